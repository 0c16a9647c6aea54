"""read_metadata on the real saved pages and on each markup / label variant of FORMATS.md §2;
read_metadata_text on seed 002's flattened header."""
import json
from pathlib import Path

import pytest

from crawler.extract.metadata import METADATA_FIELDS, read_meta_tags, read_metadata, read_metadata_text

REAL = Path(__file__).parent / "fixtures" / "real"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"

# Labels read by eye, from fixtures/real/SOURCES.md (None: the page has no such field).
REAL_LABELS = {
    "pingtan__detail__1.html": {
        "title": "平潭综合实验区管委会关于废止部分规范性文件的通知", "index_no": "PZ00101-1700-2023-00059",
        "topic": "无", "publisher": "平潭综合实验区管委会办公室", "written_on": "2016-10-26",
        "doc_no": "岚综管综〔2016〕266号", "published_on": "2016-10-26", "validity": "有效",
    },
    "handan__detail__1.html": {
        "index_no": "000014348/2020-35147", "publisher": "邯郸市教育局",
        "title": "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知",
        "doc_no": "无", "topic": "教育", "published_on": "2020-08-02",
        "written_on": None,  # 成文日期 is commented out on the page
    },
    "nfra__detail__1.html": {
        "title": "国家金融监督管理总局行政处罚信息公开表(金罚决字〔2024〕36号)", "published_on": "2024-07-12",
        "publisher": "保险和非银机构检查局", "index_no": None,
    },
    "nfra__detail__2.html": {
        "title": "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）",
        "published_on": "2025-06-03", "publisher": "浙江监管局",  # the page's 来源, not meta ContentSource 浙江
        "index_no": None,
    },
    "pingtan__report-with-tables__1.html": {
        "title": "平潭综合实验区2024年度政府信息公开工作年度报告", "publisher": "平潭综合实验区管委会办公室",
        "published_on": "2025-03-10", "index_no": None,
    },
    "pingtan__report-2012.html": {
        "title": "平潭综合实验区2012年政府信息公开工作年度报告", "published_on": "2013-02-25",
        "publisher": "平潭综合实验区管委会",
    },
    # 2015/2018/2019: the page prints 来源：平潭县人民政府 (a CMS default, SOURCES.md); kept as printed.
    "pingtan__report-2015.html": {
        "title": "平潭综合实验区2015年度政府信息公开工作年度报告", "published_on": "2016-01-12",
        "publisher": "平潭县人民政府",
    },
    "pingtan__report-2018.html": {
        "title": "平潭综合实验区2018年度政府信息公开工作年度报告", "published_on": "2019-01-10",
        "publisher": "平潭县人民政府",
    },
    "pingtan__report-2019.html": {
        "title": "平潭综合实验区2019年度政府信息公开工作年度报告", "published_on": "2020-01-20",
        "publisher": "平潭县人民政府",
    },
    "pingtan__report-2023.html": {
        "title": "平潭综合实验区2023年度政府信息公开工作年度报告", "published_on": "2024-03-08",
        "publisher": "平潭综合实验区管委会办公室",
    },
}


@pytest.fixture(scope="module")
def real_metadata():
    return {name: read_metadata((REAL / name).read_text(encoding="utf-8")) for name in REAL_LABELS}


@pytest.mark.parametrize("page", sorted(REAL_LABELS))
def test_real_pages_give_every_label(real_metadata, page):
    found = real_metadata[page]
    assert set(found) >= set(METADATA_FIELDS)
    assert {field: found[field] for field in REAL_LABELS[page]} == REAL_LABELS[page]


def test_meta_tags_are_all_readable():
    tags = read_meta_tags((REAL / "nfra__detail__1.html").read_text(encoding="utf-8"))
    assert tags["ColumnName"] == "总局机关"
    assert tags["PubDate"] == "2024-07-12 17:33"


def _html(body: str) -> str:
    return f"<html><head><title>t</title></head><body>{body}<div id='zoom'><p>正文</p></div></body></html>"


@pytest.mark.parametrize(("markup", "expected"), [
    pytest.param(
        "<table class='xxgk_table'><tr><td>索 引 号：</td><td>11230700MB1234567X/2021-00012</td>"
        "<td>主题分类：</td><td>综合政务</td></tr><tr><td>发布机构：</td><td>伊春市人民政府办公室</td>"
        "<td>成文日期：</td><td>2021年01月20日</td></tr><tr><td>文　　号：</td><td></td>"
        "<td>发布日期：</td><td>2021-01-25</td></tr></table>",
        {"index_no": "11230700MB1234567X/2021-00012", "topic": "综合政务", "publisher": "伊春市人民政府办公室",
         "written_on": "2021-01-20", "doc_no": None, "published_on": "2021-01-25"},
        id="table, several pairs per row, empty 文号"),
    pytest.param(
        "<table><tr><th>索引号</th><td>000000000-2019-03726</td><th>信息来源</th><td>地区行署办公室</td></tr></table>",
        {"index_no": "000000000-2019-03726", "publisher": "地区行署办公室"},
        id="th labels without colon"),
    pytest.param(
        "<ul class='xxgk'><li>信息索引号：01234-2020-0001</li><li>发布单位：某县教育局</li>"
        "<li>公开日期：2020年3月5日</li><li>关 键 词：年报</li></ul>",
        {"index_no": "01234-2020-0001", "publisher": "某县教育局", "published_on": "2020-03-05", "keywords": "年报"},
        id="ul/li label：value"),
    pytest.param(
        "<ul><li><span>发文机关:</span><span>某市财政局</span></li><li><span>生成日期:</span>2018-02-01</li></ul>",
        {"publisher": "某市财政局", "published_on": "2018-02-01"},
        id="li with label span, ASCII colons"),
    pytest.param(
        "<dl><dt>索 引 号:</dt><dd>X-1</dd><dt>发布时间</dt><dd>2019年03月11日</dd><dt>有效性</dt><dd>有效</dd></dl>",
        {"index_no": "X-1", "published_on": "2019-03-11", "validity": "有效"},
        id="dl/dt/dd"),
    pytest.param(
        "<p><strong>索引号</strong>：000014348/2020-35147</p><p><strong>发布机构</strong>：邯郸市教育局</p>"
        "<p><strong>文号</strong>：无</p><p><strong>内容概述</strong>：</p>",
        {"index_no": "000014348/2020-35147", "publisher": "邯郸市教育局", "doc_no": "无", "summary": None},
        id="p/strong (handan), empty summary"),
    pytest.param(
        "<div class='index_box'><ul><li>索&ensp;引&ensp;号：<font>PZ-1</font></li>"
        "<li>标&ensp;&ensp;&ensp;&ensp;题：<font>某通知</font></li><li>发文字号：<font>岚综管〔2016〕1号</font></li>"
        "<li>有&ensp;效&ensp;性：<em>有效</em></li></ul></div>",
        {"index_no": "PZ-1", "title": "某通知", "doc_no": "岚综管〔2016〕1号", "validity": "有效"},
        id="index_box li/font with &ensp; (pingtan)"),
    pytest.param(
        "<td>索引号：X-9<br/>发布机构：某局</td>",
        {"index_no": "X-9", "publisher": "某局"},
        id="two pairs split by br"),
    pytest.param(
        "<table><tr><td>主题分类</td><td>县(市)区</td><td>分类</td><td>其他</td></tr></table>",
        {"topic": "县(市)区"},
        id="first value wins; 主题分类 is not read as 分类"),
    pytest.param(
        "<p><span>摘　　要：</span>本报告包括六部分</p><p>时效：长期有效</p><p>废止日期：</p>",
        {"summary": "本报告包括六部分", "validity": "长期有效"},
        id="U+3000 inside labels; empty 废止日期 leaves 时效"),
])
def test_markup_and_label_variants(markup, expected):
    found = read_metadata(_html(markup))
    assert {field: found[field] for field in expected} == expected


def test_meta_tags_are_the_fallback_and_never_override_the_header():
    page = ("<html><head><meta name='ArticleTitle' content='某区2020年政府信息公开工作年度报告'>"
            "<meta name='PubDate' content='2021-01-29 10:00'><meta name='ContentSource' content='某区政府办'>"
            "</head><body><table><tr><td>发布机构：</td><td>某区人民政府办公室</td></tr></table></body></html>")
    found = read_metadata(page)
    assert found["title"] == "某区2020年政府信息公开工作年度报告"
    assert found["published_on"] == "2021-01-29"
    assert found["publisher"] == "某区人民政府办公室"


def test_a_date_label_with_no_date_does_not_block_a_later_one():
    found = read_metadata(_html("<p>发布日期：</p><p>时间：2019-01-10 16:13</p>"))
    assert found["published_on"] == "2019-01-10"


def test_template_placeholders_are_not_values():
    found = read_metadata(_html("<span>来源：{{data.docSource}}</span><span>来源：某监管局</span>"))
    assert found["publisher"] == "某监管局"


def test_seed_002_flattened_header():
    text = (SEEDS / "002_bb9a5f7779685f94.txt").read_text(encoding="utf-8")
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["002_bb9a5f7779685f94.txt"]
    metadata, remaining = read_metadata_text(text)
    for field in ("index_no", "publisher", "published_on", "topic"):
        assert metadata[field] == expected[field]
    assert metadata["doc_no"] is None and metadata["keywords"] is None and metadata["validity"] is None
    assert remaining.splitlines()[0] == expected["title"]
    assert "索引号" not in remaining and "主题分类" not in remaining


def test_text_without_header_is_returned_unchanged():
    text = (SEEDS / "000_3debe78227b016e7.txt").read_text(encoding="utf-8")
    metadata, remaining = read_metadata_text(text)
    assert remaining == text
    assert all(value is None for value in metadata.values())


def test_text_header_with_inline_pairs():
    metadata, remaining = read_metadata_text("索引号：A-1　发布机构：某县政府\n发布日期：2019年1月5日\n"
                                             "某县2018年政府信息公开工作年度报告")
    assert (metadata["index_no"], metadata["publisher"], metadata["published_on"]) == ("A-1", "某县政府", "2019-01-05")
    assert remaining == "某县2018年政府信息公开工作年度报告"


# Labels that the label search must find wherever an element's visible text starts with them.
@pytest.mark.parametrize("html, expected", [
    # a script inside the label: the visible text 索引号：… is what counts
    ("<p>索<script>var x = 1;</script>引号：ABC-2021-001</p>", {"index_no": "ABC-2021-001"}),
    # the longer label wins although the shorter one starts inside it (信息来源 / 来源)
    ("<div><span>信息来源：平潭综合实验区管委会</span></div>", {"publisher": "平潭综合实验区管委会"}),
    # the label is a tail after an empty element and whitespace, inside a short cell
    ("<table><tr><td><img src='x.png'>\u3000 发布日期：2021年3月27日</td></tr></table>",
     {"published_on": "2021-03-27"}),
    # the label split over two elements, with its value in the next cell
    ("<table><tr><td><b>文</b><b>号</b></td><td>岚综管〔2016〕266号</td></tr></table>",
     {"doc_no": "岚综管〔2016〕266号"}),
    # a label in running text is not a header label
    ("<p>本报告统计时间：2020年1月1日至12月31日。" + "正文" * 200 + "</p>", {"published_on": None}),
])
def test_labels_are_found_where_an_element_starts_with_them(html, expected):
    metadata = read_metadata(f"<html><body>{html}</body></html>")
    assert {field: metadata[field] for field in expected} == expected


def test_a_subtree_gives_the_labels_inside_it_in_page_order():
    from crawler.extract.body import parse_tree
    page = parse_tree("<html><head><meta name='PubDate' content='2020-01-02'></head><body><div>"
                      "<span>索引号：</span><span>A1</span><div id='x'><p>发布机构：某局</p><p>文 号：一号</p>"
                      "<p>来源：第二个来源</p></div><p>文号：外面</p></div></body></html>")
    subtree = page.xpath("//*[@id='x']")[0]
    assert {k: v for k, v in read_metadata(subtree).items() if v} == {
        "publisher": "某局", "published_on": "2020-01-02", "doc_no": "一号"}
    assert {k: v for k, v in read_metadata(page).items() if v} == {
        "index_no": "A1", "publisher": "某局", "published_on": "2020-01-02", "doc_no": "一号"}


# What real pages broke (issue 14): the publisher, the date labels.
@pytest.mark.parametrize(("markup", "expected"), [
    pytest.param(
        "<div>来源：http://www.shuyang.gov.cn/syfgj/ 发布时间：2024-01-19</div>"
        "<table><tr><td>发布机构：</td><td>沭阳县发展和改革局</td></tr></table>",
        {"publisher": "沭阳县发展和改革局", "published_on": "2024-01-19"},
        id="发布机构 below a 来源 line holding a URL"),
    pytest.param(
        "<p>信息来源：县政府办公室</p><p>来源：县政务服务中心</p>"
        "<table><tr><td>发布机构</td><td>某县人民政府办公室</td></tr></table>",
        {"publisher": "某县人民政府办公室"},
        id="发布机构 wins over 信息来源 and 来源 above it"),
    pytest.param("<p>信息来源：县政府办公室</p><p>来源：县政务服务中心</p>", {"publisher": "县政府办公室"},
                 id="信息来源 wins over 来源"),
    pytest.param("<p>来源：www.example.gov.cn</p>", {"publisher": None}, id="a host is no publisher"),
    pytest.param("<p>来源：2025-01-20 10:50</p><p>来源：区机关事务管理局</p>", {"publisher": "区机关事务管理局"},
                 id="a date is no publisher"),
    pytest.param("<div>信息来源： 浏览次数： 字体：【<a>大</a> <a>中</a> <a>小</a>】 分享：</div>", {"publisher": None},
                 id="page chrome after an empty 信息来源 (jinan.gov.cn)"),
    pytest.param("<table><tr><td>生成日期</td><td>2024-01-19</td></tr></table>", {"published_on": "2024-01-19"},
                 id="生成日期"),
    pytest.param("<p>公开日期：2025年1月15日</p>", {"published_on": "2025-01-15"}, id="公开日期"),
    pytest.param("<p>发文日期：2024-12-30</p>", {"written_on": "2024-12-30"}, id="发文日期"),
    pytest.param("<div class='sj'><publishtime>2025-01-15 09:30</publishtime></div>", {"published_on": "2025-01-15"},
                 id="UCAP <publishtime>"),
    pytest.param("<p>发布日期：2025-01-16</p><publishtime>2025-01-15 09:30</publishtime>",
                 {"published_on": "2025-01-16"}, id="a labelled date wins over <publishtime>"),
    pytest.param("<table><tr><td><label>文号：</label><span></span></td>"
                 "<td><label>发布日期：</label><span>2025-03-31</span></td></tr></table>",
                 {"doc_no": None, "published_on": "2025-03-31"},
                 id="an empty value is not the next cell's label (gkmlpt)"),
    pytest.param("<table><tr><td>文件编号:</td><td>吴政办〔2025〕1号</td></tr></table>",
                 {"doc_no": "吴政办〔2025〕1号"}, id="文件编号 (wuxing.gov.cn)"),
])
def test_what_real_pages_broke(markup, expected):
    found = read_metadata(_html(markup))
    assert {field: found[field] for field in expected} == expected


def test_label_starts_are_the_positions_where_a_label_matches():
    """_LABEL_START (one branch per first character) finds every position where the alternation
    of all labels matches, overlapping ones included, on every fixture page's text."""
    import random
    import re

    from crawler.extract import metadata
    from crawler.extract.body import parse_tree
    from crawler.extract.encoding import decode_html
    every_label_start = re.compile(rf"(?={metadata._LABEL_PATTERN})")
    pages = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.html"))
    texts = ["".join(metadata._TEXT_NODES(parse_tree(decode_html(page.read_bytes(), None)[0]))) for page in pages]
    alphabet = "".join(metadata._LABEL_TO_FIELD) + " \u3000\xa0：:|x"
    draw = random.Random(16)
    texts += ["".join(draw.choice(alphabet) for _ in range(300)) for _ in range(200)]
    for text in texts:
        assert ([match.start() for match in metadata._LABEL_START.finditer(text)]
                == [match.start() for match in every_label_start.finditer(text)])
