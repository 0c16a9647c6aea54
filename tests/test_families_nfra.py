"""The NFRA family on NFRA's saved pages (tests/fixtures/real/nfra__*, DOMs rendered by Selenium) and
on a list-API answer written in the shape public crawlers read (tests/fixtures/nfra/README.md)."""
from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.extract.report import report_from_html
from crawler.families.detect import detect_family
from crawler.families.nfra import NfraFamily, list_url
from crawler.families.registry import family_class
from crawler.registry import load_portals
from tests.conftest import FIXTURES, REAL, file_response

NFRA = FIXTURES / "nfra"
SAVED = {  # saved page -> the URL it was saved from (its own QR-code title attribute)
    "nfra__detail__1.html": "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1170162&itemId=4113&generaltype=9",
    "nfra__detail__2.html": "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1212085&itemId=4114&generaltype=9",
}
API_PAGE_1 = list_url("https://www.nfra.gov.cn/", "4175", 1)


def _saved(name: str, url: str | None = None) -> HtmlResponse:
    return file_response(REAL / name, url or SAVED[name])


def _api(path: Path | str, url: str = API_PAGE_1) -> TextResponse:
    body = Path(path).read_bytes() if isinstance(path, Path) else path.encode("utf-8")
    return TextResponse(url=url, body=body, encoding="utf-8", request=Request(url))


@pytest.mark.parametrize("name", sorted(SAVED))
def test_detection_chooses_nfra_for_the_saved_pages_and_says_why(name):
    cls, reason = detect_family(_saved(name))
    assert cls is NfraFamily and family_class("nfra") is NfraFamily
    assert "ng-app myApp" in reason and "/cn/static/data/DocInfo/" in reason


def test_detection_leaves_other_pages_alone():
    for name in ("pingtan__listing__1.html", "handan__listing__1.html"):
        assert NfraFamily.recognise(file_response(REAL / name, "https://www.pingtan.gov.cn/")) is None


@pytest.mark.parametrize("name", sorted(SAVED))
def test_a_rendered_page_gives_its_detail_links_and_nothing_else(name):
    links = NfraFamily().links(_saved(name))
    urls = {link.url: link.title for link in links}
    # a row of the 监管动态 panel, as the page's ng-repeat rendered it
    assert urls["https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1211987&itemId=915"] == (
        "原四川银监局党委书记、局长王泽平接受纪律审查和监察调查")
    assert len(links) > 20
    assert all("/cn/view/pages/ItemDetail.html?docId=" in u or "/zhengfuxinxi.html?docId=" in u for u in urls)
    assert not any("weibo.com" in u or "qq.com" in u for u in urls)        # the share buttons
    assert all("{{" not in u for u in urls)                              # no unrendered template


def test_the_column_is_the_option_then_the_url_then_a_list_url_in_the_page():
    page = _saved("nfra__detail__1.html")
    assert NfraFamily({"item_id": "4175"}).item_id(page) == "4175"
    assert NfraFamily().item_id(page) == "4113"          # the URL's itemId
    column = file_response(REAL / "nfra__detail__1.html",
                           "https://www.nfra.gov.cn/cn/view/pages/zhengwuxinxi/zhengfuxinxi.html?signIndex=3")
    assert NfraFamily().item_id(column) is None and list(NfraFamily().next_requests(column)) == []
    shell = HtmlResponse(url=column.url, encoding="utf-8", body=(
        b'<div ng-app="myApp"><div ng-data="https://www.nfra.gov.cn/cn/static/data/DocInfo/'
        b'SelectDocByItemIdAndChild/data_itemId=4175,pageIndex=1,pageSize=18.json"></div></div>'))
    assert [r.url for r in NfraFamily().next_requests(shell)] == [API_PAGE_1]


def test_a_page_asks_the_list_api_for_its_column():
    (request,) = NfraFamily({"item_id": 4175}).next_requests(_saved("nfra__detail__1.html"))
    assert request.url == ("https://www.nfra.gov.cn/cn/static/data/DocInfo/SelectDocByItemIdAndChild/"
                           "data_itemId=4175,pageIndex=1,pageSize=18.json")


def test_the_list_api_answer_gives_links_with_title_date_and_metadata():
    response = _api(NFRA / "list_page1.json")
    assert "NFRA list API" in NfraFamily.recognise(response)
    links = NfraFamily().links(response)
    assert [(link.url.rsplit("/", 1)[1], link.title, link.date) for link in links] == [
        ("ItemDetail.html?docId=1244287&itemId=4175", "国家金融监督管理总局2024年政府信息公开工作年度报告",
         "2025-01-24"),
        ("ItemDetail.html?docId=1193001&itemId=4175", "国家金融监督管理总局2023年政府信息公开工作年度报告",
         "2024-01-31"),
        ("ItemDetail.html?docId=1170162&itemId=4175",
         "国家金融监督管理总局行政处罚信息公开表(金罚决字〔2024〕36号)", "2024-07-12"),
    ]                                          # the row without a numeric docId is left out
    assert links[2].meta == {"title": links[2].title, "published_on": "2024-07-12", "publisher": "保险和非银机构检查局"}
    assert all(link.url.startswith("https://www.nfra.gov.cn/cn/view/pages/") for link in links)


def test_the_first_api_page_asks_for_the_others_and_the_others_for_none():
    family = NfraFamily()
    pages = [r.url for r in family.next_requests(_api(NFRA / "list_page1.json"))]
    assert pages == [list_url(API_PAGE_1, "4175", 2), list_url(API_PAGE_1, "4175", 3)]    # 40 rows, 18 a page
    assert list(family.next_requests(_api(NFRA / "list_page1.json", pages[0]))) == []


@pytest.mark.parametrize("body", ["<html>403 Forbidden</html>", '{"rptCode": 404, "msg": "失败"}',
                                  '{"rptCode": 200, "data": {"total": 0, "rows": []}}', "[]"])
def test_an_unusable_api_answer_gives_no_link_and_no_page(body):
    response = _api(body)
    assert NfraFamily().links(response) == [] and list(NfraFamily().next_requests(response)) == []


@pytest.mark.parametrize(("name", "title", "published_on", "publisher", "body_text"), [
    ("nfra__detail__1.html", "国家金融监督管理总局行政处罚信息公开表(金罚决字〔2024〕36号)", "2024-07-12",
     "保险和非银机构检查局", "被处罚当事人 | 复星联合健康保险股份有限公司及其责任人员"),
    ("nfra__detail__2.html", "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）", "2025-06-03",
     "浙江监管局", "中国太平洋财产保险股份有限公司温州分公司 | 浙金罚决字〔2024〕52号"),
])
def test_a_rendered_detail_page_gives_title_date_publisher_and_body(name, title, published_on, publisher,
                                                                     body_text):
    fields = report_from_html((REAL / name).read_text(encoding="utf-8"), SAVED[name])
    assert (fields["title"], fields["published_on"], fields["publisher"]) == (title, published_on, publisher)
    assert body_text in fields["body_text"]
    assert "{{" not in fields["body_text"] and "手机扫一扫" not in fields["body_text"]


def test_nfra_is_a_supported_registered_portal_of_the_nfra_family():
    (nfra,) = [p for p in load_portals() if p.id == "cn-nfra"]
    assert nfra.family == "nfra" and "unsupported" not in nfra.options
    assert nfra.start_url.startswith("https://www.nfra.gov.cn/cn/view/pages/") and not nfra.verified


@pytest.mark.db
def test_a_crawl_reads_each_report_from_the_document_api_under_its_page_url(run_crawl, session, demo):
    """The report pages of an NFRA column are empty AngularJS templates without a browser: the
    crawl fetches each document from the document API, stores it under its page's URL, and the
    report's title, publisher, date and body are the document's, never the template's."""
    from sqlalchemy import select

    from pipelines import db

    result = run_crawl({"portal": "demo-nfra"})
    assert result.returncode == 0, result.log[-2000:]
    reports = {r.title: r for r in session.scalars(select(db.ReportRow))}
    column = demo.nfra
    assert sorted(reports) == sorted(e.title for e in column.reports)       # the notice is not stored
    urls = {u.url for u in session.scalars(select(db.ReportUrl))}
    for entry in column.reports:
        report = reports[entry.title]
        assert report.publisher == entry.item.publisher and report.published_on == entry.published_on
        assert len(report.body_text) > 500 and "ng-bind" not in report.body_text
        assert any(u.startswith(f"{demo.base_url}/cn/view/pages/ItemDetail.html?docId={entry.doc_id}&") for u in urls)
    assert not [u for u in urls if "/static/data/" in u]        # the API's URL is not the report's
    assert result.stats.get("reports/stored/new") == len(column.reports)
