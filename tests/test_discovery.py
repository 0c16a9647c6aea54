"""Discovery's rules, on pages shaped like real portals' navigation: which links lead towards the
annual-report columns and how promising each is, which pages are columns, what stops a walk."""
from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request

from crawler import discovery
from crawler.discovery import DiscoveryWalk, NavLink


def page(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8", request=Request(url))


@pytest.mark.parametrize("label", [
    "政府信息公开年报", "政府信息公开工作年度报告", "年度报告", "政府信息公开年度报告", "年报", "部门年报",
    "政 府 信 息 公 开 年 报", "信息公开年报",
])
def test_annual_report_column_names(label):
    assert discovery.is_column_label(label)


@pytest.mark.parametrize("label", [
    "政府工作报告", "统计年报", "统计公报", "企业年报公示", "企业年报", "政府信息公开指南", "法定主动公开内容",
    "南山区2020年政府信息公开工作年度报告",          # a report, not a column
    "2020年度政府信息公开工作年度报告",
    "政务公开", "",
])
def test_look_alike_column_names_are_not_annual_report_columns(label):
    assert not discovery.is_column_label(label)


def test_links_towards_disclosure_are_ranked_best_first():
    def score(text, url="http://www.x.gov.cn/a/index.html"):
        return discovery.score_link(text, url)[0]
    ranking = [score("政府信息公开年报"), score("部门信息公开"), score("政府信息公开"), score("政务公开")]
    assert ranking == sorted(ranking, reverse=True) and len(set(ranking)) == 4 and ranking[-1] > 0
    assert score("乡镇（街道）信息公开") == score("部门信息公开")
    # URL hints: an annual-report path lifts a plain link, a disclosure path lifts a disclosure link
    assert score("更多", "http://www.x.gov.cn/zfxxgk/zfxxgknb/") > 0
    assert score("政府信息公开", "http://www.x.gov.cn/xxgk/") > score("政府信息公开", "http://www.x.gov.cn/a/")
    assert score("更多", "http://www.x.gov.cn/xxgk/") == 0      # a URL hint alone on an unlabelled link


@pytest.mark.parametrize("text,url", [
    ("政府工作报告", "http://www.x.gov.cn/zwgk/zfgzbg/"),
    ("统计公报", "http://www.x.gov.cn/tjgb/"),
    ("企业年报", "http://www.x.gov.cn/qynb/"),
    ("政府信息公开指南", "http://www.x.gov.cn/xxgk/zn/"),
    ("关于做好2021年政府信息公开工作年度报告编制工作的通知", "http://www.x.gov.cn/xxgk/t1.html"),
    ("南山区2021年政务公开工作要点", "http://www.x.gov.cn/xxgk/t2.html"),
    ("南山区2020年政府信息公开工作年度报告", "http://www.x.gov.cn/xxgk/zfxxgknb/t3.html"),   # a report page
    ("政府信息公开年报", "http://www.x.gov.cn/xxgk/nb.pdf"),                                  # a document
])
def test_distractors_documents_and_reports_are_not_navigation(text, url):
    assert discovery.score_link(text, url) == (0, "")


def test_department_names_as_lists_print_them():
    assert discovery.department_name("区教育局") == "区教育局"
    assert discovery.department_name("铁西街道") == "铁西街道"
    assert discovery.department_name("向阳镇") == "向阳镇"
    assert discovery.department_name("县发展和改革委员会") == "县发展和改革委员会"
    assert discovery.department_name("更多") is None
    assert discovery.department_name("政府信息公开") is None


def test_nav_links_stay_on_site_and_name_departments_on_a_department_list():
    response = page("http://www.x.gov.cn/xxgk/bmxxgk/index.html", """<html><body>
        <a href="/bm/jyj/index.html">区教育局</a> <a href="/bm/czj/">区财政局</a>
        <a href="http://www.other.gov.cn/xxgk/">政府信息公开</a> <a href="javascript:void(0)">区政府</a>
        <a href="/xxgk/zfxxgknb/">政府信息公开年报</a> <a href="/news/t1.html">南山区召开会议</a></body></html>""")
    links = discovery.nav_links(response, ["x.gov.cn"], lists_departments=True)
    assert [(link.text, link.kind, link.department) for link in links] == [
        ("政府信息公开年报", "column", None), ("区教育局", "department", "区教育局"),
        ("区财政局", "department", "区财政局")]
    assert all(link.via == response.url for link in links)
    # the same page not reached as a department list: department names are not followed
    assert [link.text for link in discovery.nav_links(response, ["x.gov.cn"])] == ["政府信息公开年报"]


def test_a_column_is_recognised_by_its_label_a_report_by_its_title():
    column = page("http://www.x.gov.cn/xxgk/zfxxgknb/index.html",
                  "<html><head><title>政府信息公开年报_南山区人民政府</title></head><body></body></html>")
    assert discovery.is_labelled_column(column) == "政府信息公开年报"
    crumb = page("http://www.x.gov.cn/a/", '<html><head><title>南山区人民政府</title></head><body>'
                 '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; '
                 '<span>年度报告</span></div></body></html>')
    assert discovery.is_labelled_column(crumb) == "年度报告"
    report = page("http://www.x.gov.cn/xxgk/zfxxgknb/t1.html",
                  "<html><head><title>南山区2020年政府信息公开工作年度报告_南山区人民政府</title></head></html>")
    assert discovery.is_labelled_column(report) is None
    stats = page("http://www.x.gov.cn/tjnb/", "<html><head><title>统计年报_南山区人民政府</title></head></html>")
    assert discovery.is_labelled_column(stats) is None


def test_mostly_reports():
    assert discovery.mostly_reports(3, 5) and discovery.mostly_reports(4, 8)
    assert not discovery.mostly_reports(2, 2)          # two links are not a column
    assert not discovery.mostly_reports(3, 30)         # a home page's latest items


def test_what_stops_a_walk():
    login = page("http://www.x.gov.cn/", '<html><head><title>统一身份认证 登录</title></head><body><form>'
                 '<input name="u"><input type="password" name="p"></form></body></html>')
    assert "login wall" in discovery.obstacle(login)
    shell = page("http://www.x.gov.cn/", '<html><head><script src="/app.js"></script></head>'
                 '<body><div id="app"></div><script>fetch("/api/nav")</script></body></html>')
    assert "JavaScript-only" in discovery.obstacle(shell)
    normal = page("http://www.x.gov.cn/", '<html><body><a href="/a">政务公开</a><a href="/b">互动交流</a>'
                  '<a href="/c">新闻</a><p>' + "南山区" * 100 + "</p></body></html>")
    assert discovery.obstacle(normal) is None


def test_same_region_is_read_from_the_page_of_the_other_platform():
    other = page("http://xxgk.hegang.gov.cn/nanshan/",
                 "<html><head><title>南山区政府信息公开平台</title></head></html>")
    assert discovery.same_region(["南山区", "鹤岗市"], other)
    assert not discovery.same_region(["同江市"], other)


def test_the_walk_goes_best_first_within_its_budget_and_depth():
    walk = DiscoveryWalk("p", ["x.gov.cn"], budget=4, max_depth=2)
    walk.start("http://www.x.gov.cn/")
    links = [NavLink(f"http://www.x.gov.cn/{score}", f"link{score}", score) for score in (20, 100, 60, 50, 70)]
    walk.in_flight -= 1                 # the home page answered
    walk.offer(links + links[:1], depth=1)    # a URL is offered once
    assert [link.score for link, _ in walk.take(concurrency=2)] == [100, 70]
    assert walk.take(concurrency=2) == []     # two in flight already
    walk.in_flight = 0
    assert [link.score for link, _ in walk.take(concurrency=5)] == [60]    # budget 4: home + 3
    assert walk.spent == 4 and not walk.exhausted        # one still in flight
    walk.offer([NavLink("http://www.x.gov.cn/deep", "deep", 100)], depth=3)   # past the depth
    walk.in_flight = 0
    assert walk.exhausted
    reason = walk.failure_reason()
    assert reason.startswith("no 年报 column found within 4 requests; best candidates tried: link100")
    assert "link70" in reason and "deep" not in reason
