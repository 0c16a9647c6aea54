"""crawler/defaults.py is where shared defaults live: settings.py takes its values from it, and
every setting the project reads anywhere is listed in settings.py."""
from __future__ import annotations

import re

from crawler import defaults, settings
from tests.conftest import ROOT

READS = re.compile(r"""settings\.get\w*\(\s*["']([A-Z][A-Z0-9_]+)["']|settings\[["']([A-Z][A-Z0-9_]+)["']\]""")
ENVIRON = re.compile(r"""os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""")
NOT_SETTINGS = {"SCRAPY_SETTINGS_MODULE", "TEST_DATABASE_URL", "TEST_REDIS_URL", "BENCH_DATABASE_URL"}
SCRAPY_OWN = {"DOWNLOAD_HANDLERS", "PLAYWRIGHT_LAUNCH_OPTIONS"}   # other packages' settings, read and extended


def _read_names() -> set[str]:
    names = set()
    for path in [*(ROOT / "crawler").rglob("*.py"), *(ROOT / "pipelines").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        names |= {a or b for a, b in READS.findall(text)}
        names |= set(ENVIRON.findall(text))
    return names - NOT_SETTINGS - SCRAPY_OWN


def test_every_setting_read_is_listed_in_settings_py():
    source = (ROOT / "crawler" / "settings.py").read_text(encoding="utf-8")
    missing = {name for name in _read_names() if not re.search(rf"\b{name}\b", source)}
    assert not missing


def test_settings_take_their_values_from_defaults():
    assert settings.REPORTS_REPOST_SIMILARITY == defaults.REPOST_SIMILARITY
    assert settings.REPORTS_MAX_LISTING_PAGES == defaults.MAX_LISTING_PAGES
    assert settings.REPORTS_ATTACHMENT_MAXSIZE == defaults.ATTACHMENT_MAXSIZE
    assert settings.REPORTS_RETRY_AFTER_MAX == defaults.RETRY_AFTER_MAX


def test_document_limits_and_the_attachments_pipeline_share_the_size_limit():
    import inspect

    from crawler.extract.documents import DocumentLimits
    from pipelines.attachments import AttachmentsPipeline
    assert DocumentLimits().max_bytes == defaults.ATTACHMENT_MAXSIZE
    assert inspect.signature(AttachmentsPipeline.__init__).parameters["maxsize"].default == defaults.ATTACHMENT_MAXSIZE
