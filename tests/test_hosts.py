"""Government hosts, trusted hosts and the validate pipeline's refusal of mirrors, on the real URLs
of report-urls.jsonl (five spam/mirror clones, the government pages they copy)."""
from __future__ import annotations

import json

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.hosts import host_allowed, is_government_host, is_local_host
from crawler.items import Report
from crawler.plan import CrawlPlan
from pipelines.validate import ValidatePipeline
from tests.conftest import REAL

ROWS = [json.loads(line) for line in (REAL / "report-urls.jsonl").read_text(encoding="utf-8").splitlines()]
MIRRORS = [row["url"] for row in ROWS if "NEGATIVE" in row["note"]]
# a gkmlpt report stored under a third-party proxy; the original gd.gov.cn URL is in its path
PROXY = next(row["url"] for row in ROWS if "proxy" in row["note"])
GOVERNMENT = [row["url"] for row in ROWS if row["url"] not in MIRRORS and row["url"] != PROXY]


def test_the_file_holds_five_mirrors_and_thirty_government_urls():
    assert len(MIRRORS) == 5 and len(GOVERNMENT) == 30


@pytest.mark.parametrize("url", MIRRORS + [PROXY])
def test_mirrors_and_proxies_are_refused(url):
    assert not host_allowed(url)


@pytest.mark.parametrize("url", GOVERNMENT)
def test_real_government_urls_pass(url):
    assert host_allowed(url)


@pytest.mark.parametrize(("host", "expected"), [
    ("www.gd.gov.cn", True), ("WWW.GD.GOV.CN.", True), ("gov.cn", True), ("www.gd.gov.cn:8080", True),
    ("gov.cn.example.com", False), ("fakegov.cn", False), ("www.gov.com", False), ("", False), (None, False),
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("[::1]", True), ("::1", True),
    ("128.0.0.1", False), ("10.0.0.1", False), ("58.49.42.70", False),
])
def test_government_and_local_hosts(host, expected):
    assert is_government_host(host) is expected


def test_local_hosts_are_only_loopback():
    assert is_local_host("127.0.0.1") and is_local_host("localhost") and not is_local_host("www.gd.gov.cn")


def test_trusted_hosts_whitelist_a_host_and_its_subdomains_only():
    trusted = ("pds.cn", "http://58.49.42.70/")       # a bare host or a URL, as a registry may list them
    assert host_allowed("http://www.pds.cn/zwgk/nb/2024.html", trusted)
    assert host_allowed("http://pds.cn/nb.html", trusted)
    assert host_allowed("http://58.49.42.70/xxgk/nb.html", trusted)
    assert not host_allowed("http://badpds.cn/nb.html", trusted)
    assert not host_allowed("http://www.pds.cn/zwgk/nb/2024.html")
    assert not host_allowed(MIRRORS[0], trusted)


def _validate():
    stats = MemoryStatsCollector(get_crawler())
    return ValidatePipeline(stats, CrawlPlan()), stats


@pytest.mark.parametrize("url", MIRRORS)
def test_validate_drops_a_mirror_report_and_counts_it(url):
    report = Report(url=url, title="广州市人民政府2023年政府信息公开工作年度报告", report_year=2023)
    pipeline, stats = _validate()
    with pytest.raises(DropItem, match="no government portal"):
        pipeline.process_item(report)
    assert stats.get_value("reports/dropped/not_government_host") == 1
    assert stats.get_value("reports/dropped") == 1


def test_validate_keeps_government_and_trusted_reports():
    pipeline, stats = _validate()
    government = Report(url=GOVERNMENT[0], title="临夏回族自治州永靖县2024年政府信息公开工作年度报告")
    trusted = Report(url="http://www.pds.cn/nb/1.html", title="平顶山市2024年政府信息公开工作年度报告",
                     trusted_hosts=("www.pds.cn",))
    assert pipeline.process_item(government) is government
    assert pipeline.process_item(trusted) is trusted
    assert stats.get_value("reports/dropped") is None
