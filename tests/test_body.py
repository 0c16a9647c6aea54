"""Body container, body text and attachment links on the real Pingtan/NFRA pages and small hand-made pages."""
import re
from pathlib import Path

import pytest

from crawler.extract.body import (
    attachment_links,
    body_container,
    body_fragment,
    collapse_whitespace,
    html_to_text,
    page_body_container,
    parse_tree,
)
from crawler.extract.report import body_hash

REAL = Path(__file__).parent / "fixtures" / "real"
TWIN_BODY_MARK = "==================== 正文 ===================="
BODY_PAGES = ["pingtan__report-2012.html", "pingtan__report-2015.html", "pingtan__report-2018.html",
              "pingtan__report-2019.html", "pingtan__report-2023.html", "pingtan__report-with-tables__1.html",
              "pingtan__detail__1.html", "nfra__detail__1.html", "nfra__detail__2.html"]


def _page(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def _without_whitespace(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("year", ["2019", "2023"])
def test_pingtan_body_equals_the_archive_text_twin(year):
    body = html_to_text(body_fragment(_page(f"pingtan__report-{year}.html")), cell_separator="\t")
    twin = _page(f"pingtan__report-{year}.txt").split(TWIN_BODY_MARK, 1)[1]
    assert _without_whitespace(body) == _without_whitespace(twin)


@pytest.mark.parametrize("page", BODY_PAGES)
def test_body_text_has_no_site_chrome(page):
    text = html_to_text(body_fragment(_page(page)))
    assert len(text) > 150
    for chrome in ("当前位置", "来源：", "时间：", "全真版\n文字版", "QQ空间", "版权与免责声明", "扫一扫"):
        assert chrome not in text
    assert not any(line.startswith("首页") for line in text.splitlines())
    assert "{{" not in text and "function(" not in text


def test_table_rows_are_lines_with_cells():
    lines = html_to_text(body_fragment(_page("pingtan__report-with-tables__1.html"))).splitlines()
    assert "行政规范性文件 | 62 | 33 | 440" in lines
    assert any(line.startswith("一、本年新收政府信息公开申请数量 | 217 | 1 |") for line in lines)
    assert "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他" in lines  # 商业/企业 split over two <p>


def test_pingtan_2012_body_without_trs_editor_starts_with_the_byline():
    lines = html_to_text(body_fragment(_page("pingtan__report-2012.html"))).splitlines()
    assert lines[:2] == ["平潭综合实验区管委会办公室", "二〇一三年一月"]
    assert "主动公开信息数 | 条 | 739 | 4359" in lines


def test_known_cms_container_wins_over_a_longer_block():
    page = ("<html><body><div id='zoom'><p>一段很长的正文，一段很长的正文，一段很长的正文。</p></div>"
            "<div class='my-body'><p>另一个更长的文字块，另一个更长的文字块，"
            "另一个更长的文字块，另一个更长的文字块。</p></div>"
            "</body></html>")
    text = html_to_text(body_fragment(page))
    assert "一段很长" in text and "另一个" not in text


def test_largest_text_block_without_known_container():
    page = ("<html><body><div class='nav'><a href='/'>首页</a> <a href='/a'>政务公开</a> "
            "<a href='/b'>互动交流</a></div>"
            "<div class='main'><table class='xxgk_table'><tr><td>索引号：</td><td>A-1</td></tr></table>"
            "<p>某县2019年政府信息公开工作年度报告</p><p>根据《中华人民共和国政府信息公开条例》编制本报告。</p>"
            "<p>一、总体情况</p><p>2019年，全县主动公开政府信息1200条。</p></div>"
            "<div class='footer'><p>版权所有：某县人民政府</p></div></body></html>")
    text = html_to_text(body_fragment(page))
    assert text.splitlines()[0] == "某县2019年政府信息公开工作年度报告"
    assert "首页" not in text and "索引号" not in text and "版权所有" not in text


def test_html_to_text_lines_whitespace_and_scripts():
    fragment = ("<div><p>　　一、总体情况&nbsp;&nbsp;说明</p><script>var x = 1;</script><style>p{}</style>"
                "第一行<br/>第二行<table><tr><td><p>商业</p><p>企业</p></td><td></td><td> 3 </td></tr></table></div>")
    assert html_to_text(fragment).splitlines() == ["一、总体情况 说明", "第一行", "第二行", "商业企业 |  | 3"]
    assert html_to_text("") == ""


BASE = "https://www.example.gov.cn/zwgk/nb/202101/t20210125_1.html"


def test_attachment_links_in_body_and_attachment_block():
    page = """<html><body>
      <div class="nav"><a href="/help/guide.pdf">网站使用说明.pdf</a></div>
      <div id="zoom"><p>报告正文，报告正文，报告正文，报告正文，报告正文。</p>
        <p><a href="./P020210125_report.pdf">2020年年度报告.pdf</a></p>
        <p><a href="/download?filename=tables.xlsx&id=3"></a></p>
        <p><a href="./P020210125_report.pdf">再次链接</a></p>
        <p><a href="javascript:void(0)">打印.doc</a></p>
        <p><a href="/col/col1/index.html">相关链接</a></p></div>
      <div class="fujian">附件：<a href="http://files.example.gov.cn/a/统计表.WPS">统计表</a></div>
    </body></html>"""
    assert attachment_links(page, BASE) == [
        {"url": "https://www.example.gov.cn/zwgk/nb/202101/P020210125_report.pdf", "name": "2020年年度报告.pdf"},
        {"url": "https://www.example.gov.cn/download?filename=tables.xlsx&id=3", "name": "tables.xlsx"},
        {"url": "http://files.example.gov.cn/a/统计表.WPS", "name": "统计表"},
    ]


def test_no_attachments_on_the_real_pages():
    # Pingtan's 文件下载 link is filled by script (ms-attr-href); NFRA's attachment list is an empty template.
    for page in ("pingtan__report-with-tables__1.html", "nfra__detail__1.html"):
        assert attachment_links(_page(page), "https://www.pingtan.gov.cn/") == []


@pytest.mark.parametrize("cells,line", [
    ("<td><p>商业 </p><p> 企业</p></td><td>7</td>", "商业企业 | 7"),       # spaces at block edges go
    ("<td><p>A</p> <p>B</p></td><td><span>1</span> <span>2</span></td>", "AB | 1 2"),
    ("<td> 第一行<br>第二行 </td><td>&nbsp;</td><td>\u3000</td>", "第一行第二行 |  | "),
    ("<td>总<script>x</script>计</td><td>a<noscript>b</noscript> c</td>", "总计 | a c"),
    ("<td>外<table><tr><td>内</td><td>1</td></tr></table>表</td>", "外内 | 1表"),
])
def test_table_cells_read_as_by_the_block_walk(cells, line):
    """Cells with and without the markup that the fast path leaves to the walk (blocks around
    spaces, <br>, scripts, nested tables) give the walk's text."""
    assert html_to_text(f"<table><tr>{cells}</tr></table>") == line


def test_table_cell_comments_are_not_text():
    import lxml.html
    table = lxml.html.fromstring("<table><tr><td>1<!-- 2 -->3</td><td>x <!--y--> z</td></tr></table>")
    assert html_to_text(table) == "13 | x z"


def test_page_chrome_in_the_body_is_dropped_as_its_selectors_say():
    page = ("<html><body><div id='zoom' class='crumb'>正文开始，一段足够长的正文文字。"
            "<nav>导航</nav>尾一<div class='x\tcrumb'>面包屑</div>尾二<div class='breadcrumbs'>留下甲</div>"
            "<div class='a\u3000crumb'>留下乙</div><div class='xxgk_table'>留下丙</div>"
            "<table class='xxgk_table'><tr><td>索引号</td></tr></table>"
            "<header><p class='index_box'>头部<footer>脚</footer></p></header>尾三</div></body></html>")
    text = html_to_text(body_fragment(page))
    assert text.splitlines() == ["正文开始，一段足够长的正文文字。尾一尾二", "留下甲", "留下乙", "留下丙", "尾三"]


def test_the_largest_of_several_containers_with_one_id():
    page = ("<html><body><div id='zoom'><p>短一些的正文，短一些的正文文字。</p></div>"
            "<div id='zoom'><p>长一些的正文，长一些的正文，长一些的正文文字。</p></div></body></html>")
    assert html_to_text(body_fragment(page)) == "长一些的正文，长一些的正文，长一些的正文文字。"


def test_attachment_links_resolve_against_the_first_base_with_an_href():
    page = ("<html><head><base target='_blank'><base href=' https://files.example.gov.cn/nb/ '>"
            "<base href='https://other.example.gov.cn/'></head><body><div id='zoom'>"
            "<p>报告正文，报告正文，报告正文，报告正文，报告正文。</p><a>无链接.pdf</a>"
            "<a href='表一.xls'>表一</a><a href=''>空.pdf</a></div></body></html>")
    assert attachment_links(page, BASE) == [{"url": "https://files.example.gov.cn/nb/表一.xls", "name": "表一"}]


def test_whitespace_is_what_the_regular_expression_s_matches():
    """collapse_whitespace and body_hash cut at str.split()'s whitespace: the characters of \\s
    (every Unicode whitespace character lies below U+3001)."""
    import hashlib
    for code in range(0x3001):
        text = f" a{chr(code)}{chr(code)}b\u3000c "
        assert collapse_whitespace(text) == re.sub(r"\s+", " ", text).strip()
        if code % 97 == 0 or chr(code).isspace():
            expected = hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()
            assert body_hash(text) == expected


@pytest.mark.parametrize("inside", [
    "",                                                  # nothing to drop: the page's own container
    "<script>var a = 1;</script>尾",                      # a script is dropped
    "<div class='crumb'>首页 &gt; 年报</div>尾",            # page chrome inside the container
])
def test_page_body_container_is_body_container_on_a_copy(inside):
    import copy

    from lxml import etree
    html = (f"<html><body><div class='nav'>导航</div><div id='zoom'><p>报告正文，报告正文，报告正文。</p>{inside}"
            "<table><tr><td>a</td><td>1</td></tr></table></div>后文</body></html>")
    page = parse_tree(html)
    served = etree.tostring(page)
    container = page_body_container(page)
    assert etree.tostring(page) == served                 # the page is left as served
    expected = body_container(copy.deepcopy(page))
    assert html_to_text(container) == html_to_text(expected)
    assert etree.tostring(container) == etree.tostring(expected)
    assert (container.getroottree().getroot() is page) == (inside == "")


@pytest.mark.parametrize(("container", "cms"), [
    ("<div id='vsb_content'><div class='v_news_content'>{}</div></div>", "VSB/博达"),
    ("<div class='bd'><ucapcontent>{}</ucapcontent></div>", "UCAP/开普"),
])
def test_known_containers_of_other_cms_hold_the_body_not_the_longer_sidebar(container, cms):
    report = "<p>本报告根据《中华人民共和国政府信息公开条例》编制。</p><p>一、总体情况</p>"
    sidebar = "<div class='side'>" + "<p>相关链接：某县人民政府办公室关于某某事项的公告</p>" * 6 + "</div>"
    page = f"<html><body>{sidebar}{container.format(report)}</body></html>"
    assert html_to_text(body_fragment(page)) == "本报告根据《中华人民共和国政府信息公开条例》编制。\n一、总体情况", cms
