"""The demo portal's reports: the five seed reports, with the metadata a portal shows for them
(data: seeds/reports.toml)."""
from __future__ import annotations

import html
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
SEEDS_TOML = "reports.toml"   # the reports' metadata, in SEEDS_DIR


@dataclass
class DemoReport:
    slug: str                 # one name ties the report to its seed and its tests
    seed: str                 # seed file name under crawler/demo/seeds/
    title: str
    published_on: str
    path: str                 # dated TRS path inside its column, e.g. 202101/t20210126_100001.html
    index_no: str = ""
    publisher: str = ""
    topic: str = ""
    doc_no: str = ""
    keywords: str = ""
    validity: str = "有效"
    written_on: str = ""
    encoding: str = "utf-8"   # gbk pages declare their charset only in <meta>
    body_override: str | None = None   # text that replaces the seed body (revisions)
    extra: dict = field(default_factory=dict)

    def body_text(self) -> str:
        """The seed's body text without what the page shows elsewhere (title line, header)."""
        if self.body_override is not None:
            return self.body_override
        lines = (SEEDS_DIR / self.seed).read_text(encoding="utf-8").splitlines()
        # seed 002 is a page flattened to text: its metadata header lines end at the first title line
        while lines and (" | " in lines[0] or lines[0].rstrip().endswith("|")):
            lines.pop(0)
        while lines and lines[0].strip() in ("", self.title):
            lines.pop(0)
        return "\n".join(lines)


@lru_cache(maxsize=1)
def _seed_rows() -> tuple[dict, ...]:
    """The rows of seeds/reports.toml, read once (as package resources: also inside a zipped egg)."""
    text = resources.files(__package__).joinpath("seeds").joinpath(SEEDS_TOML).read_text(encoding="utf-8")
    return tuple(tomllib.loads(text)["report"])


def seed_reports() -> list[DemoReport]:
    """The seeds as the demo county portal publishes them (newest first, like a real column), as
    seeds/reports.toml lists them; new objects on every call."""
    return [DemoReport(**row) for row in _seed_rows()]


METADATA_ROWS = (
    ("索 引 号：", "index_no", "发布机构：", "publisher"),
    ("主题分类：", "topic", "成文日期：", "written_on"),
    ("文　　号：", "doc_no", "发布日期：", "published_on"),
    ("关 键 词：", "keywords", "时　　效：", "validity"),
)


def metadata_table(report: DemoReport) -> str:
    """The TRS-style 信息索引 table above the body, labels with inner spaces and full-width colons."""
    rows = []
    for label_a, field_a, label_b, field_b in METADATA_ROWS:
        rows.append(
            f"<tr><td class=\"xxgk_label\">{label_a}</td><td>{html.escape(getattr(report, field_a))}</td>"
            f"<td class=\"xxgk_label\">{label_b}</td><td>{html.escape(getattr(report, field_b))}</td></tr>")
    rows.append(f"<tr><td class=\"xxgk_label\">名　　称：</td><td colspan=\"3\">{html.escape(report.title)}</td></tr>")
    return "<table class=\"xxgk_table\">" + "".join(rows) + "</table>"
