"""Family detection for `-a url=`: the real pages and one page of each demo column."""
from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.demo.portal import DemoPortal
from crawler.families.detect import detect_family
from tests.conftest import REAL, file_response

BASE = "http://127.0.0.1:8000"


@pytest.mark.parametrize(("name", "family"), [
    ("pingtan__listing__1.html", "trs"),
    ("handan__listing__1.html", "trs"),
    ("handan__xxgk-index__1.html", "generic"),   # a portal home: links, no CMS listing marker
])
def test_real_listings(name, family):
    cls, reason = detect_family(file_response(REAL / name, "https://www.example.gov.cn/col/"))
    assert cls.name == family and reason


@pytest.fixture(scope="module")
def demo_pages():
    portal = DemoPortal()

    def fetch(path: str) -> HtmlResponse:
        response = portal.site.handle("GET", path, {"host": "127.0.0.1:8000"}, b"")
        return HtmlResponse(url=BASE + path, body=response.body, encoding="utf-8")
    return portal, fetch


@pytest.mark.parametrize(("column", "family", "why"), [
    ("trs", "trs", "createPageHTML"),
    ("trs_api", "trs", "maxStaticIndex"),
    ("hanweb", "hanweb", "dataproxy.jsp"),
    ("hanweb_zero", "hanweb", "filled from /module/jslib/jquery/jpage/dataproxy.jsp"),   # totalRecord:0, no rows
    ("hanweb_two_lists", "hanweb", "2 jpage lists"),
    ("gkmlpt", "gkmlpt", "SID"),
    ("plain_list", "generic", "下一页"),
    ("unknown_markup", "generic", "page-number links"),
])
def test_demo_columns(demo_pages, column, family, why):
    portal, fetch = demo_pages
    path = getattr(portal, column).listing_path
    cls, reason = detect_family(fetch(path if isinstance(path, str) else path(0)))
    assert cls.name == family and why in reason


def test_a_page_without_any_link_is_not_recognised():
    cls, reason = detect_family(HtmlResponse(url=BASE + "/blank.html", body="<p>建设中</p>".encode(), encoding="utf-8"))
    assert cls is None and "no link" in reason
