"""Report titles: their report year, the title of a page or a text (which titles are annual
reports at all: test_title_filter.py)."""
import json
from pathlib import Path

import pytest

from crawler.extract.body import body_fragment, html_to_text
from crawler.extract.title import is_annual_report, read_title, report_year, title_from_text

REAL = Path(__file__).parent / "fixtures" / "real"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
SEED_NAMES = sorted(name for name in EXPECTED if not name.startswith("_"))


@pytest.mark.parametrize(("title", "text", "year"), [
    ("南山区政府2018年度政府信息公开报告", "", 2018),
    ("2018年松岭区政府信息公开工作年度报告", "", 2018),
    ("某县二〇一八年政府信息公开工作年度报告", "", 2018),
    (None, "本报告中所列数据的统计期限自2018年1月1日起至2018年12月31日止。", 2018),
    (None, "本年报统计数据时限为2018年1月1日至2018年12月31日。", 2018),
    (None, "报告中所列数据的统计期限为2020年1月1日至12月31日。", 2020),
    (None, "本报告发布于2021年1月25日。统计期限为2020年1月1日至12月31日。", 2020),
    ("某局政府信息公开工作年度报告", "数据时间从二〇一九年一月一日至十二月三十一日。", 2019),
    (None, "本报告于2021年1月25日发布。", None),   # a publication date is not the report year
    (None, "", None),
])
def test_report_year(title, text, year):
    assert report_year(title, text) == year


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_titles_and_years(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    title = title_from_text(text)
    assert title == EXPECTED[name].get("title")  # seed 003 has no title line: None
    assert report_year(title, text) == EXPECTED[name]["report_year"]


def test_two_line_title_is_joined():
    assert title_from_text("平潭综合实验区2019年\n政府信息公开工作年度报告\n根据《条例》要求，编制本报告。") == \
        "平潭综合实验区2019年政府信息公开工作年度报告"


@pytest.mark.parametrize(("page", "title"), [
    ("pingtan__detail__1.html", "平潭综合实验区管委会关于废止部分规范性文件的通知"),
    ("handan__detail__1.html", "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知"),
    ("nfra__detail__1.html", "国家金融监督管理总局行政处罚信息公开表(金罚决字〔2024〕36号)"),
    ("nfra__detail__2.html", "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）"),
    ("pingtan__report-with-tables__1.html", "平潭综合实验区2024年度政府信息公开工作年度报告"),
    ("pingtan__report-2012.html", "平潭综合实验区2012年政府信息公开工作年度报告"),
    ("pingtan__report-2015.html", "平潭综合实验区2015年度政府信息公开工作年度报告"),
    ("pingtan__report-2018.html", "平潭综合实验区2018年度政府信息公开工作年度报告"),
    ("pingtan__report-2019.html", "平潭综合实验区2019年度政府信息公开工作年度报告"),
    ("pingtan__report-2023.html", "平潭综合实验区2023年度政府信息公开工作年度报告"),
])
def test_read_title_on_real_pages(page, title):
    assert read_title((REAL / page).read_text(encoding="utf-8")) == title


@pytest.mark.parametrize(("page", "year"), [
    ("pingtan__report-with-tables__1.html", 2024), ("pingtan__report-2012.html", 2012),
    ("pingtan__report-2015.html", 2015), ("pingtan__report-2018.html", 2018),
    ("pingtan__report-2019.html", 2019), ("pingtan__report-2023.html", 2023),
])
def test_pingtan_report_years(page, year):
    html = (REAL / page).read_text(encoding="utf-8")
    assert is_annual_report(read_title(html))
    assert report_year(read_title(html), html_to_text(body_fragment(html))) == year


@pytest.mark.parametrize("page", ["pingtan__report-2019.html", "pingtan__report-2023.html"])
def test_pingtan_report_year_from_the_statistics_sentence_alone(page):
    html = (REAL / page).read_text(encoding="utf-8")
    year = int(page[len("pingtan__report-"):][:4])
    assert report_year(None, html_to_text(body_fragment(html))) == year


def test_read_title_falls_back_to_headline_then_page_title():
    headline = ("<html><head><title>首页</title></head><body><h1>某区人民政府</h1>"
                "<div class='article_title'> 某区2020年政府信息公开\n工作年度报告 </div></body></html>")
    assert read_title(headline) == "某区2020年政府信息公开 工作年度报告"
    assert read_title("<html><body><h1>某区2020年政府信息公开工作年度报告</h1></body></html>") == \
        "某区2020年政府信息公开工作年度报告"
    page_title = ("<html><head><title>某区2020年政府信息公开工作年度报告_政府信息公开年报_某区人民政府</title>"
                  "</head><body><p>正文</p></body></html>")
    assert read_title(page_title) == "某区2020年政府信息公开工作年度报告"
    assert read_title("<html><body><p>x</p></body></html>") is None


@pytest.mark.parametrize(("page_title", "title"), [
    ("沭阳县发展和改革局2023年政府信息公开工作年度报告-沭阳县发改局",
     "沭阳县发展和改革局2023年政府信息公开工作年度报告"),
    ("某区2020年政府信息公开工作年度报告_某区人民政府", "某区2020年政府信息公开工作年度报告"),
    ("某区2020年政府信息公开工作年度报告 | 某区人民政府", "某区2020年政府信息公开工作年度报告"),
    ("某区人民政府 | 某区2020年政府信息公开工作年度报告", "某区2020年政府信息公开工作年度报告"),   # the report part
    ("某区2019-2020学年政府信息公开工作年度报告-某区教育局", "某区2019-2020学年政府信息公开工作年度报告"),
    ("关于印发某区政务公开工作要点的通知－某区人民政府", "关于印发某区政务公开工作要点的通知"),
])
def test_page_title_loses_the_site_name(page_title, title):
    assert read_title(f"<html><head><title>{page_title}</title></head><body><p>正文</p></body></html>") == title


def test_headings_come_before_the_page_title_and_a_report_heading_before_a_column_name():
    ucap = ("<html><head><title>某市人民政府</title></head><body><div class='bt'>"
            "<ucaptitle>某市2024年政府信息公开工作年度报告</ucaptitle></div></body></html>")
    assert read_title(ucap) == "某市2024年政府信息公开工作年度报告"
    column_heading = ("<html><head><title>盐城市大丰区2024年政府信息公开工作年度报告_盐城市大丰区人民政府"
                      "</title></head>"
                      "<body><h1>政府信息公开年报</h1></body></html>")
    assert read_title(column_heading) == "盐城市大丰区2024年政府信息公开工作年度报告"
    notice = "<html><head><title>首页</title></head><body><h1>关于废止部分规范性文件的通知</h1></body></html>"
    assert read_title(notice) == "关于废止部分规范性文件的通知"


def test_the_header_name_field_wins_over_the_page_title():
    from crawler.extract.report import report_from_html
    page = ("<html><head><title>沭阳县发展和改革局2023年政府信息公开工作年度报告-沭阳县发改局</title></head><body>"
            "<table><tr><td>名称：</td><td>沭阳县发展和改革局2023年度政府信息公开工作年度报告</td></tr></table>"
            "<div id='zoom'><p>本年度报告根据《中华人民共和国政府信息公开条例》要求编制。</p></div></body></html>")
    assert (report_from_html(page, "http://www.shuyang.gov.cn/a.html")["title"]
            == "沭阳县发展和改革局2023年度政府信息公开工作年度报告")
