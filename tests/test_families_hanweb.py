"""Hanweb jcms: the column page's embedded rows, the dataproxy.jsp POSTs, the XML answers."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from scrapy.http import Request, XmlResponse

from crawler.extract.title import is_annual_report
from crawler.families.hanweb import HanwebFamily
from tests.conftest import file_response

FAMILIES = __import__("pathlib").Path(__file__).parent / "fixtures" / "families"
COLUMN = "http://www.tongjiang.gov.cn/col/col6812/index.html"
FORM = {"col": ["1"], "appid": ["1"], "webid": ["14"], "path": ["/"], "columnid": ["6812"],
        "sourceContentType": ["1"], "unitid": ["55920"], "webname": ["同江市人民政府"], "permissiontype": ["0"]}


def _column():
    return file_response(FAMILIES / "hanweb_column.html", COLUMN)


def _query(request) -> dict:
    return parse_qs(urlsplit(request.url).query)


def test_embedded_rows_give_links_titles_and_dates():
    links = HanwebFamily().links(_column())
    assert [(link.url, link.date) for link in links] == [
        ("http://www.tongjiang.gov.cn/art/2022/1/28/art_6812_2451.html", "2022-01-28"),
        ("http://www.tongjiang.gov.cn/art/2021/12/6/art_6812_2390.html", "2021-12-06"),
        ("http://www.tongjiang.gov.cn/art/2021/1/25/art_6812_2210.html", "2021-01-25")]
    # the title attribute, not the truncated text, and the notice is filtered out
    assert [is_annual_report(link.title) for link in links] == [True, False, True]


def test_the_next_group_is_a_post_to_dataproxy_with_the_ajax_param_form():
    page = _column()
    assert "dataproxy.jsp" in HanwebFamily.recognise(page)
    request, = HanwebFamily().next_requests(page)
    assert request.method == "POST"
    assert request.url.startswith("http://www.tongjiang.gov.cn/module/web/jpage/dataproxy.jsp?")
    assert _query(request) == {"startrecord": ["4"], "endrecord": ["48"], "perpage": ["15"]}
    assert parse_qs(request.body.decode()) == FORM


def test_the_first_answer_gives_its_rows_and_asks_for_the_remaining_groups():
    request, = HanwebFamily().next_requests(_column())
    answer = XmlResponse(url=request.url, body=(FAMILIES / "hanweb_dataproxy.xml").read_bytes(),
                         request=Request(request.url, meta=request.meta))
    links = HanwebFamily().links(answer)
    assert [(link.url, link.title) for link in links] == [
        ("http://www.tongjiang.gov.cn/art/2020/1/20/art_6812_1987.html", "同江市2019年政府信息公开工作年度报告"),
        ("http://www.tongjiang.gov.cn/art/2019/3/20/art_6812_1702.html", "同江市2018年政府信息公开工作年度报告")]
    follow_ups = list(HanwebFamily().next_requests(answer))          # <totalrecord>98</totalrecord>
    assert [(_query(r)["startrecord"], _query(r)["endrecord"]) for r in follow_ups] == [
        (["49"], ["93"]), (["94"], ["98"])]
    assert all(parse_qs(r.body.decode()) == FORM for r in follow_ups)
    # those answers ask for nothing more
    last = XmlResponse(url=follow_ups[-1].url, body=(FAMILIES / "hanweb_dataproxy.xml").read_bytes(),
                       request=follow_ups[-1])
    assert list(HanwebFamily().next_requests(last)) == []


def test_a_known_total_gives_every_group_from_the_column_page():
    page = _column()
    page = page.replace(body=page.body.replace(b"perPage: 15,", b"perPage: 15, totalRecord: 100,"))
    starts = [_query(r)["startrecord"][0] for r in HanwebFamily().next_requests(page)]
    assert starts == ["4", "49", "94"]


# --- variants seen on real portals (issue 13): a zero or stale total, another proxy path, several lists

ZERO = "http://www.suifenhe.gov.cn/col/col9120/index.html"
ALT_PROXY = "/module/jslib/jquery/jpage/dataproxy.jsp"
TWO_LISTS = "http://www.fuyuan.gov.cn/col/col7700/index.html"


def _ranges(requests) -> list[tuple[int, int]]:
    return [(int(_query(r)["startrecord"][0]), int(_query(r)["endrecord"][0])) for r in requests]


def _answer(request, records: int | None = None, total: int | None = None) -> XmlResponse:
    """A dataproxy.jsp answer to `request`: the fixture's, or `records` rows with `total`."""
    if records is None:
        body = (FAMILIES / "hanweb_dataproxy.xml").read_bytes()
    else:
        rows = "".join(f'<record><![CDATA[<li><a href="/art/2020/1/{i % 28 + 1}/art_1_{i}.html">行{i}</a></li>]]>'
                       f"</record>" for i in range(records))
        count = f"<totalrecord>{total}</totalrecord>" if total is not None else ""
        body = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><recordset>{rows}</recordset>{count}'
                '</datastore>').encode()
    return XmlResponse(url=request.url, body=body, request=request)


def test_a_zero_total_and_an_empty_recordset_still_ask_the_proxy_at_its_own_path():
    page = file_response(FAMILIES / "hanweb_column_zero.html", ZERO)
    assert ALT_PROXY in HanwebFamily.recognise(page)
    assert HanwebFamily().links(page) == []
    request, = HanwebFamily().next_requests(page)                   # totalRecord: 0 is not "nothing there"
    assert request.url.startswith("http://www.suifenhe.gov.cn" + ALT_PROXY + "?")
    assert _ranges([request]) == [(1, 45)]
    assert parse_qs(request.body.decode())["columnid"] == ["9120"]
    follow_ups = HanwebFamily().next_requests(_answer(request))     # <totalrecord>98</totalrecord>
    assert _ranges(follow_ups) == [(46, 90), (91, 98)]
    assert all(r.url.startswith("http://www.suifenhe.gov.cn" + ALT_PROXY + "?") for r in follow_ups)
    assert HanwebFamily().next_requests(_answer(follow_ups[0])) == []       # not the last group asked
    assert HanwebFamily().next_requests(_answer(follow_ups[-1])) == []      # 98 asked, 98 counted


def test_without_proxy_url_the_proxy_path_comes_from_the_datastore_next_group_link():
    page = file_response(FAMILIES / "hanweb_column_zero.html", ZERO)
    page = page.replace(body=page.body.replace(b"proxyUrl: '/module/jslib/jquery/jpage/dataproxy.jsp',", b""))
    assert b"proxyUrl" not in page.body
    request, = HanwebFamily().next_requests(page)
    assert request.url.startswith("http://www.suifenhe.gov.cn" + ALT_PROXY + "?")
    bare = page.replace(body=page.body.replace(b"/module/jslib/jquery/jpage/dataproxy.jsp", b""))
    request, = HanwebFamily().next_requests(bare)                   # nothing names it: the usual path
    assert request.url.startswith("http://www.suifenhe.gov.cn/module/web/jpage/dataproxy.jsp?")


def test_a_stale_total_is_extended_by_the_proxys_count_and_the_page_rows_asked_again():
    page = _column()          # 3 rows embedded; the page claims 5, the proxy counts 98
    page = page.replace(body=page.body.replace(b"perPage: 15,", b"perPage: 15, totalRecord: 5,"))
    request, = HanwebFamily().next_requests(page)
    assert _ranges([request]) == [(4, 5)]
    follow_ups = HanwebFamily().next_requests(_answer(request))
    # the groups past 5, and records 1-3 again: a stale page's embedded rows may not be the newest
    assert _ranges(follow_ups) == [(6, 50), (51, 95), (96, 98), (1, 3)]
    assert all(parse_qs(r.body.decode()) == FORM for r in follow_ups)
    assert HanwebFamily().next_requests(_answer(follow_ups[-1])) == []     # the page's rows asked again: no more
    assert HanwebFamily().next_requests(_answer(follow_ups[-2])) == []


def test_a_total_no_larger_than_the_embedded_rows_still_asks_one_group():
    page = _column()
    page = page.replace(body=page.body.replace(b"perPage: 15,", b"perPage: 15, totalRecord: 3,"))
    request, = HanwebFamily().next_requests(page)
    assert _ranges([request]) == [(4, 48)]
    assert HanwebFamily().next_requests(_answer(request, records=0, total=3)) == []   # the page was right
    assert _ranges(HanwebFamily().next_requests(_answer(request, records=2, total=5))) == [(1, 3)]


def test_an_answer_without_a_total_asks_the_next_group_only_when_it_came_back_full():
    request, = HanwebFamily().next_requests(_column())               # records 4-48
    full, = HanwebFamily().next_requests(_answer(request, records=45))
    assert _ranges([full]) == [(49, 93)]
    assert _ranges(HanwebFamily().next_requests(_answer(request, records=45, total=0))) == [(49, 93)]
    assert HanwebFamily().next_requests(_answer(request, records=44)) == []


def test_every_jpage_list_of_a_page_is_asked_with_its_own_column():
    page = file_response(FAMILIES / "hanweb_two_lists.html", TWO_LISTS)
    assert HanwebFamily.recognise(page) == "2 jpage lists filled from /module/web/jpage/dataproxy.jsp"
    assert [link.url.rsplit("/", 1)[1] for link in HanwebFamily().links(page)] == [
        "art_7701_3301.html", "art_7701_3102.html"]
    first, second = HanwebFamily().next_requests(page)
    assert parse_qs(first.body.decode())["columnid"] == ["7701"] and _ranges([first]) == [(3, 14)]
    # the second list embeds nothing and claims no total: asked from record 1
    assert parse_qs(second.body.decode())["columnid"] == ["7702"] and _ranges([second]) == [(1, 30)]
    assert parse_qs(second.body.decode())["unitid"] == ["40022"]
    more, = HanwebFamily().next_requests(_answer(second, records=30, total=41))
    assert _ranges([more]) == [(31, 41)] and parse_qs(more.body.decode())["columnid"] == ["7702"]


def test_a_config_that_is_not_a_plain_literal_is_read_field_by_field():
    page = _column()
    page = page.replace(body=page.body.replace('"webname": "同江市人民政府"'.encode(),
                                               '"webname": "同江市" + "人民政府"'.encode()))
    assert '"同江市" + "人民政府"'.encode() in page.body      # chompjs cannot read a concatenation
    request, = HanwebFamily().next_requests(page)
    form = parse_qs(request.body.decode())
    assert form["columnid"] == ["6812"] and form["unitid"] == ["55920"]
    assert _ranges([request]) == [(4, 48)]
