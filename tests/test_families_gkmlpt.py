"""gkmlpt: SID and column from the catalogue shell, JSON pages with the metadata in them."""
from __future__ import annotations

import json
from pathlib import Path

from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.extract.title import is_annual_report
from crawler.families.gkmlpt import GkmlptFamily

FAMILIES = Path(__file__).parent / "fixtures" / "families"
INDEX = "http://www.szns.gov.cn/gkmlpt/index"
API = "http://www.szns.gov.cn/gkmlpt/api/all/13045?page=1&sid=755040"


def _index(url: str = INDEX) -> HtmlResponse:
    return HtmlResponse(url=url, body=(FAMILIES / "gkmlpt_index.html").read_bytes(), encoding="utf-8")


def _api(url: str = API, body: bytes | None = None) -> TextResponse:
    return TextResponse(url=url, body=body or (FAMILIES / "gkmlpt_api_page1.json").read_bytes(), encoding="utf-8",
                        headers={"Content-Type": "application/json"}, request=Request(url))


def test_the_catalogue_page_asks_for_the_report_column_of_its_tree():
    page = _index()
    assert "window._CONFIG" in GkmlptFamily.recognise(page)
    assert GkmlptFamily().links(page) == []            # the shell holds no document
    assert [r.url for r in GkmlptFamily().next_requests(page)] == [API]


def test_the_column_can_come_from_the_url_fragment_or_the_registry():
    assert [r.url for r in GkmlptFamily().next_requests(_index(INDEX + "#13012"))] == [
        "http://www.szns.gov.cn/gkmlpt/api/all/13012?page=1&sid=755040"]
    assert [r.url for r in GkmlptFamily({"column": "99"}).next_requests(_index())] == [
        "http://www.szns.gov.cn/gkmlpt/api/all/99?page=1&sid=755040"]


def test_json_articles_become_links_carrying_their_metadata():
    report, notice = GkmlptFamily().links(_api())
    assert report.url == "http://www.szns.gov.cn/xxgk/qzfxxgkml/zfxxgknb/content/post_11087741.html"
    assert report.date == "2024-01-26"                  # unix seconds read in China time
    assert report.meta == {
        "title": "深圳市南山区2023年政府信息公开工作年度报告", "published_on": "2024-01-26",
        "index_no": "11440305007542591C/2024-00123", "publisher": "深圳市南山区人民政府办公室",
        "keywords": "政府信息公开 年度报告"}
    assert notice.meta["doc_no"] == "深南府办函〔2022〕112号"
    assert [is_annual_report(x.title) for x in (report, notice)] == [True, False]


def test_page_one_asks_for_every_other_page_and_later_pages_for_none():
    follow_ups = [r.url for r in GkmlptFamily().next_requests(_api())]
    # total 23 at 2 articles a page: pages 2 … 12
    assert follow_ups == [API.replace("page=1", f"page={n}") for n in range(2, 13)]
    assert list(GkmlptFamily().next_requests(_api(API.replace("page=1", "page=2")))) == []


def test_an_empty_column_asks_for_nothing():
    empty = _api(body=json.dumps({"total": 0, "articles": []}).encode())
    assert GkmlptFamily().links(empty) == [] and list(GkmlptFamily().next_requests(empty)) == []


# --- a total of 0 or missing is unknown, not "nothing there" (issue 13) ---------------------------

def _articles(n: int) -> list[dict]:
    return [{"title": f"文件{i}", "url": f"http://www.szns.gov.cn/content/post_{i}.html"} for i in range(n)]


def _answer_to(request, **data) -> TextResponse:
    return TextResponse(url=request.url, body=json.dumps(data).encode(), encoding="utf-8",
                        headers={"Content-Type": "application/json"}, request=request)


def _page_numbers(requests) -> list[int]:
    return [int(r.url.split("page=")[1].split("&")[0]) for r in requests]


def test_a_full_first_page_without_a_total_asks_the_next_until_one_comes_back_short():
    for missing in ({}, {"total": 0}, {"total": ""}, {"total": 1}):     # absent, zero, blank, less than the page
        second, = GkmlptFamily().next_requests(_api(body=json.dumps({**missing, "articles": _articles(20)}).encode()))
        assert second.url == API.replace("page=1", "page=2")
        third, = GkmlptFamily().next_requests(_answer_to(second, articles=_articles(20)))
        assert _page_numbers([third]) == [3]
        assert list(GkmlptFamily().next_requests(_answer_to(third, articles=_articles(7)))) == []


def test_a_later_page_that_counts_gives_the_pages_left():
    second, = GkmlptFamily().next_requests(_api(body=json.dumps({"articles": _articles(20)}).encode()))
    assert _page_numbers(GkmlptFamily().next_requests(_answer_to(second, total=75, articles=_articles(20)))) == [3, 4]
    # the pages so asked ask for nothing more
    fourth = Request(API.replace("page=1", "page=4"))
    assert list(GkmlptFamily().next_requests(_answer_to(fourth, total=75, articles=_articles(15)))) == []
