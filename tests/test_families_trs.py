"""TRS WCM listings: the real Pingtan (static-plus-API) and Handan (static) pages, pager variants."""
from __future__ import annotations

import json
from urllib.parse import parse_qs

from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.extract.title import is_annual_report
from crawler.families.trs import TrsFamily
from tests.conftest import REAL, file_response

FAMILIES = REAL.parent / "families"
PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
HANDAN = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"

# SOURCES.md: the 10 static items of the Pingtan 年报 column, newest first
PINGTAN_ITEMS = [
    (2025, "202603/t20260313_105587.htm", "2026-03-10"),
    (2024, "202503/t20250310_97791.htm", "2025-03-10"),
    (2023, "202403/t20240308_87885.htm", "2024-03-08"),
    (2022, "202302/t20230220_80629.htm", "2023-02-20"),
    (2021, "202202/t20220208_80613.htm", "2022-02-08"),
    (2020, "202103/t20210305_80595.htm", "2021-03-05"),
    (2019, "202001/t20200120_80576.htm", "2020-01-20"),
    (2018, "201901/t20190110_80529.htm", "2019-01-10"),
    (2017, "201801/t20180123_80506.htm", "2018-01-23"),
    (2016, "201701/t20170118_80485.htm", "2017-01-18"),
]


def _html(body: str, url: str = "http://www.example.gov.cn/xxgk/nb/index.html") -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


def _json(path, url: str, meta: dict | None = None) -> TextResponse:
    return TextResponse(url=url, body=path.read_bytes(), encoding="utf-8",
                        headers={"Content-Type": "application/json"}, request=Request(url, meta=meta or {}))


# --- Pingtan: static page 1, POST search API after it ----------------------------------------------

def test_pingtan_listing_gives_its_ten_reports_with_dates():
    page = file_response(REAL / "pingtan__listing__1.html", PINGTAN)
    links = TrsFamily().links(page)
    assert [(link.url, link.title, link.date) for link in links] == [
        (PINGTAN + path, f"平潭综合实验区{year}年度政府信息公开工作年度报告", date)
        for year, path, date in PINGTAN_ITEMS]
    assert all(is_annual_report(link.title) for link in links)


def test_pingtan_page_two_is_a_post_to_the_search_api_with_the_pager_script_arguments():
    page = file_response(REAL / "pingtan__listing__1.html", PINGTAN)
    assert "list2.trsapi" in TrsFamily.recognise(page)
    requests = list(TrsFamily().next_requests(page))
    assert len(requests) == 1                          # recordCount 20 / prepage 10, page 1 static
    request = requests[0]
    assert (request.method, request.url) == ("POST", "https://www.pingtan.gov.cn/fjdzapp/search")
    assert parse_qs(request.body.decode()) == {
        "channelid": ["200210"], "classsql": ["chnlid=1813"], "sortfield": ["-docorderpri,-docreltime"],
        "page": ["2"], "prepage": ["10"]}


def test_search_api_answer_gives_links_and_no_further_requests():
    answer = _json(FAMILIES / "trs_search_page2.json", "https://www.pingtan.gov.cn/fjdzapp/search")
    links = TrsFamily().links(answer)
    assert [(link.url.rsplit("/", 1)[1], link.date) for link in links] == [
        ("t20160112_80445.htm", "2016-01-12"), ("t20130228_80734.htm", "2013-02-25")]   # ms timestamp, China time
    assert list(TrsFamily().next_requests(answer)) == []


def test_without_record_count_the_first_api_answer_asks_for_the_rest():
    page = file_response(REAL / "pingtan__listing__1.html", PINGTAN)
    page = page.replace(body=page.body.replace(b"recordCount: '20',", b""))
    first, = TrsFamily().next_requests(page)
    assert parse_qs(first.body.decode())["page"] == ["2"] and first.meta["trs_api_asked"] == 2
    data = json.loads((FAMILIES / "trs_search_page2.json").read_text(encoding="utf-8"))
    answer = TextResponse(url=first.url, body=json.dumps({**data, "pageCount": 4}).encode(), encoding="utf-8",
                          request=Request(first.url, meta=first.meta))
    follow_ups = list(TrsFamily().next_requests(answer))
    assert [parse_qs(r.body.decode())["page"] for r in follow_ups] == [["3"], ["4"]]
    assert {parse_qs(r.body.decode())["classsql"][0] for r in follow_ups} == {"chnlid=1813"}


# --- Handan: static pages from `var countPage` --------------------------------------------------

def test_handan_listing_row_is_read_with_its_date_and_rejected_as_not_a_report():
    page = file_response(REAL / "handan__listing__1.html", HANDAN)
    row = TrsFamily().links(page)[0]
    assert (row.url, row.title, row.date) == (
        "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html",
        "邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知", "2020-08-05")
    assert not any(is_annual_report(link.title) for link in TrsFamily().links(page))


def test_handan_pager_script_gives_index_1_to_index_55():
    page = file_response(REAL / "handan__listing__1.html", HANDAN)
    assert TrsFamily.recognise(page) == "var countPage and tYYYYMMDD_n detail links"
    urls = [r.url for r in TrsFamily().next_requests(page)]
    assert urls == [f"{HANDAN}index_{i}.html" for i in range(1, 56)]


# --- pager variants -----------------------------------------------------------------------------

ITEM = ('<li><a href="./202101/t20210126_482101.html">南山区2020年政府信息公开工作年度报告</a>'
        '<span>2021-01-26</span></li>')


def test_create_page_html_names_stem_and_extension():
    page = _html(f'<ul>{ITEM}</ul><script>createPageHTML(3, 0, "index", "shtml");</script>')
    assert [r.url.rsplit("/", 1)[1] for r in TrsFamily().next_requests(page)] == ["index_1.shtml", "index_2.shtml"]


def test_later_static_pages_request_nothing_so_stub_pages_cannot_multiply():
    page = _html(f'<ul>{ITEM}</ul><script>createPageHTML(40, 7, "index", "html");</script>',
                 "http://www.example.gov.cn/xxgk/nb/index_7.html")
    assert list(TrsFamily().next_requests(page)) == []


def test_page_count_from_gong_n_ye_and_from_total_record():
    gong = _html(f'<ul>{ITEM}</ul><div class="page">共3页 当前第1页</div>')
    assert TrsFamily.recognise(gong)
    assert len(list(TrsFamily().next_requests(gong))) == 2
    total = _html(f'<ul>{ITEM}{ITEM.replace("482101", "482102")}</ul><script>var totalRecord = 7;</script>')
    assert len(list(TrsFamily().next_requests(total))) == 3        # 7 records, 2 a page: 4 pages


def test_a_portal_whose_next_link_skips_index_1_is_walked_from_index_2():
    page = _html(f'<ul>{ITEM}</ul><script>var countPage = 3; var currentPage = 0;</script>'
                 '<a href="index.html">首页</a> <a href="index_2.html">下一页</a>')
    assert [r.url.rsplit("/", 1)[1] for r in TrsFamily().next_requests(page)] == ["index_2.html", "index_3.html"]


def test_detail_and_report_pages_are_not_trs_listings():
    for name in ("pingtan__detail__1.html", "pingtan__report-2019.html", "handan__detail__1.html",
                 "handan__xxgk-index__1.html", "nfra__detail__1.html"):
        assert TrsFamily.recognise(file_response(REAL / name, "http://www.example.gov.cn/a/")) is None, name


# --- a listing that might hold more is asked before it is given up (issue 13) --------------------

def _pingtan(old: bytes = b"", new: bytes = b""):
    page = file_response(REAL / "pingtan__listing__1.html", PINGTAN)
    return page.replace(body=page.body.replace(old, new)) if old else page


def _search_answer(request, **data) -> TextResponse:
    return TextResponse(url=request.url, body=json.dumps(data).encode(), encoding="utf-8",
                        headers={"Content-Type": "application/json"}, request=request)


def _pages(requests) -> list[int]:
    return [int(parse_qs(r.body.decode())["page"][0]) for r in requests]


def _items(n: int) -> list[dict]:
    return [{"doctitle": f"文{i}", "chnldocurl": f"/zwgk/202001/t20200101_{i}.htm", "docreltime": "2020-01-01"}
            for i in range(n)]


def test_a_record_count_of_zero_still_asks_the_first_api_page_and_its_count_gives_the_rest():
    page = _pingtan(b"recordCount: '20',", b"recordCount: '0',")
    first, = TrsFamily().next_requests(page)
    assert _pages([first]) == [2]
    assert _pages(TrsFamily().next_requests(_search_answer(first, data=_items(10), pageCount=4))) == [3, 4]
    assert _pages(TrsFamily().next_requests(_search_answer(first, data=_items(10), total=31))) == [3, 4]


def test_a_stale_record_count_is_extended_by_the_api_count():
    last, = TrsFamily().next_requests(_pingtan())            # recordCount 20: page 2 is the last asked
    more = list(TrsFamily().next_requests(_search_answer(last, data=_items(10), pageCount=3)))
    assert _pages(more) == [3]
    assert parse_qs(more[0].body.decode())["classsql"] == ["chnlid=1813"]
    assert list(TrsFamily().next_requests(_search_answer(more[0], data=_items(2), pageCount=3))) == []


def test_an_api_answer_without_a_count_asks_the_next_page_only_when_it_came_back_full():
    last, = TrsFamily().next_requests(_pingtan(b"recordCount: '20',", b""))
    assert _pages(TrsFamily().next_requests(_search_answer(last, data=_items(10)))) == [3]
    assert list(TrsFamily().next_requests(_search_answer(last, data=_items(9)))) == []


def test_a_page_count_of_one_beside_a_configured_api_still_asks_the_api():
    # no maxStaticIndex: the static pager says one page, the listArgs name the search API
    page = _pingtan(b"maxStaticIndex: 1,", b"")
    page = page.replace(body=page.body.replace(b"recordCount: '20',", b"")
                        + b"<script>var countPage = 1; var currentPage = 0;</script>")
    assert "search API" in TrsFamily.recognise(page)
    first, = TrsFamily().next_requests(page)
    assert (first.url, _pages([first])) == ("https://www.pingtan.gov.cn/fjdzapp/search", [2])
    assert first.meta["trs_api_asked"] == 2


def test_a_static_listing_without_a_count_follows_its_next_page_link():
    page = _html(f'<ul>{ITEM}</ul><div class="page"><a href="index_1.html">下一页</a></div>'
                 '<script>var totalRecord = "";</script>')
    assert [r.url.rsplit("/", 1)[1] for r in TrsFamily().next_requests(page)] == ["index_1.html"]
    later = _html(f'<ul>{ITEM}</ul><a href="index.html">上一页</a> <a href="index_2.html">下一页</a>',
                  "http://www.example.gov.cn/xxgk/nb/index_1.html")
    assert [r.url.rsplit("/", 1)[1] for r in TrsFamily().next_requests(later)] == ["index_2.html"]
    last = _html(f'<ul>{ITEM}</ul><a href="index_1.html">上一页</a>', "http://www.example.gov.cn/xxgk/nb/index_2.html")
    assert list(TrsFamily().next_requests(last)) == []


def test_pager_objects_are_read_as_javascript_literals_with_a_fallback_for_expressions():
    from crawler.families.trs import _js_object, _list_args
    plain = ('<script>var SiteInfo = {searchId: 77};\nlistModel({maxStaticIndex: 1,\n'
             'listArgs: {channelid: SiteInfo.searchId, classsql: "chnlid=1813", docid: 9, empty: ""},\n'
             "pagebar: {prepage: 15, recordCount: '31', pgTemp: \"pgBar.html\"}});</script>")
    assert _js_object(plain, "pagebar") == {"prepage": 15, "recordCount": "31", "pgTemp": "pgBar.html"}
    assert _list_args(plain) == {"channelid": "77", "classsql": "chnlid=1813", "docid": "9",
                                 "sortfield": "-docorderpri,-docreltime"}
    # the real page's listArgs hold expressions ("" || "…"): chompjs refuses them, the pairs are read one by one
    real = file_response(REAL / "pingtan__listing__1.html", PINGTAN).text
    assert _js_object(real, "listArgs") is None
    assert _list_args(real)["classsql"] == "chnlid=1813"
    assert _js_object(real, "pagebar")["recordCount"] == "20"
