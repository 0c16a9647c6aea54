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
