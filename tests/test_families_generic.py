"""The generic family: any list of links, paged by 下一页 or page numbers."""
from __future__ import annotations

from scrapy.http import HtmlResponse

from crawler.extract.title import is_annual_report
from crawler.families.generic import GenericFamily
from tests.conftest import REAL, file_response

HANDAN_HOME = "http://hdzfxxgk.hd.gov.cn/"


def _html(body: str, url: str = "http://www.example.gov.cn/nb/list.html") -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


def test_handan_home_links_the_report_column_and_dated_recent_items():
    links = GenericFamily().links(file_response(REAL / "handan__xxgk-index__1.html", HANDAN_HOME))
    by_url = {link.url: link for link in links}
    column = by_url["http://hdzfxxgk.hd.gov.cn/zfxxgknb/"]
    assert column.title == "政府信息公开年报" and not is_annual_report(column.title)   # a column, not a report
    recent = by_url["http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html"]
    assert recent.date == "2020-08-02"


def test_plain_list_items_next_link_and_no_chrome():
    page = _html('<div class="header"><a href="/">首页</a></div>'
                 '<ul><li><a href="show-1.html">南山区2020年政府信息公开工作年度报告</a> <span>[2021-01-26]</span></li>'
                 '<li><a href="show-2.html">关于做好2021年政府信息公开工作年度报告编制工作的通知</a> '
                 '<span>2021-01-05</span></li></ul>'
                 '<div class="pager"><a href="list_2.html">下一页</a> <a href="javascript:void(0)">尾页</a></div>')
    links = GenericFamily().links(page)
    assert [(link.url.rsplit("/", 1)[1], link.date) for link in links] == [
        ("show-1.html", "2021-01-26"), ("show-2.html", "2021-01-05"), ("list_2.html", None)]
    assert "下一页" in GenericFamily.recognise(page)
    assert [r.url for r in GenericFamily().next_requests(page)] == ["http://www.example.gov.cn/nb/list_2.html"]


def test_page_numbers_are_followed_but_not_the_page_itself_nor_other_sites():
    page = _html('<table><tr><td><a href="view.jsp?id=7">南山区2020年政府信息公开工作年度报告</a></td>'
                 '<td>2021-01-26</td></tr></table>'
                 '<div><b>1</b> <a href="annual.jsp?page=2">2</a> <a href="annual.jsp?page=3">3</a>'
                 ' <a href="http://other.example.com/?page=4">4</a></div>',
                 "http://www.example.gov.cn/info/annual.jsp")
    assert "page-number links" in GenericFamily.recognise(page)
    assert [r.url for r in GenericFamily().next_requests(page)] == [
        "http://www.example.gov.cn/info/annual.jsp?page=2", "http://www.example.gov.cn/info/annual.jsp?page=3"]
    assert GenericFamily().links(page)[0].date == "2021-01-26"


def test_a_page_without_links_is_not_recognised():
    assert GenericFamily.recognise(_html("<p>页面建设中</p><a href=\"javascript:;\">返回</a>")) is None
