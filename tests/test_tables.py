"""Table readers: flattened text (seeds) and HTML (hand-made fragments, real Pingtan pages)."""
from pathlib import Path

import lxml.html
import pytest

from crawler.extract.tables import Table, tables_from_html, tables_from_text

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
REAL = Path(__file__).parent / "fixtures" / "real"


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def real_body(name: str) -> str:
    doc = lxml.html.fromstring((REAL / name).read_text(encoding="utf-8"))
    body = (doc.xpath("//div[contains(@class,'TRS_Editor')]")
            or doc.xpath("//div[contains(@class,'article_content')]"))[0]
    return lxml.html.tostring(body, encoding="unicode")


def test_table_constructor_stays_simple():
    table = Table(rows=[["a", "1"], ["b", "2"]], caption="表")
    assert table.rows[1] == ["b", "2"] and table.caption == "表" and table.width == 2


def test_tab_indented_text_tables_of_seed_001():
    tables = tables_from_text(seed_text("001"))
    assert [(len(t.rows), t.width) for t in tables] == [(18, 4), (26, 10), (4, 15)]
    part2, part3, part4 = tables
    assert part2.rows[6] == ["行政许可", "26", "+36", "170"]
    # a flattened colspan: the label is widened, its figures stay under the right columns
    assert part3.rows[3][:4] == ["一、本年新收政府信息公开申请数量", "", "", "0"]
    assert part3.rows[7][:3] == ["", "（三）不予公开", "1.属于国家秘密"]
    assert part3.caption == "三、收到和处理政府信息公开申请情况"
    # a short block of part 二 is padded at its end, not before its figures
    assert part2.rows[14] == ["行政事业性收费", "0", "0", ""]


def test_tab_indented_partial_table_of_seed_000():
    (table,) = tables_from_text(seed_text("000"))
    assert table.rows[0] == ["一、主动公开情况", "", ""]
    assert table.rows[4] == ["2.政府网站公开政府信息数", "条", "17"]


def test_one_cell_per_line_bar_table_of_seed_003_is_regrouped_by_header_width():
    (table,) = tables_from_text(seed_text("003"))
    assert table.rows[0] == ["统计指标", "单位", "统计数"]
    assert table.width == 3 and len(table.rows) == 66
    # the stray empty cell before 8.告知通过其他途径办理数 does not shift the rows after it
    assert ["8.告知通过其他途径办理数", "件", "0"] in table.rows
    assert table.rows[-1] == ["(三)接受培训人员数", "人次", "60"]


def test_bar_separated_rows_of_seed_002():
    tables = tables_from_text(seed_text("002"))
    channel = tables[-1]
    assert channel.rows == [["公开渠道和方式", "政府网站", "规范性文件", "政务微信", "网审平台", "重点领域"],
                            ["数量", "1124", "17", "85", "658", "630"]]


def test_narrative_seed_has_no_table():
    assert tables_from_text(seed_text("004")) == []


def test_html_spans_nested_tables_and_stray_markup():
    html = """<h3>表1 统计</h3>
    <table><tr><td rowspan="2">三、办理<br/>结果</td><td colspan="2"><p>商业</p><p>企业</p></td></tr>
    <tr><td>&nbsp;7&nbsp;&nbsp;</td><td>
        <table><tr><td>内</td><td>1</td></tr></table>x</td></tr></table>"""
    outer, inner = tables_from_html(html)
    assert outer.caption == "表1 统计"
    assert outer.rows == [["三、办理结果", "商业企业", "商业企业"], ["三、办理结果", "7", "x"]]
    assert inner.rows == [["内", "1"]]


def test_html_empty_input():
    assert tables_from_html("") == [] and tables_from_html("<p>无表格</p>") == []


def test_real_pingtan_2023_matrix_is_rectangular_with_split_labels_joined():
    tables = tables_from_html(real_body("pingtan__report-2023.html"))
    part3 = tables[1]
    assert part3.width == 10 and len(part3.rows) == 28
    assert "商业企业" in part3.cells() and "科研机构" in part3.cells()
    assert all(len(row) == 10 for row in part3.rows)


def test_real_pingtan_2019_broken_rowspan_and_padded_values():
    part3 = tables_from_html(real_body("pingtan__report-2019.html"))[1]
    row = next(r for r in part3.rows if "1.本机关不掌握相关政府信息" in r)
    assert row[-7:] == ["7", "0", "0", "0", "0", "0", "7"]
    assert all(len(r) == part3.width for r in part3.rows)


@pytest.mark.parametrize("name,width,rows", [
    ("pingtan__report-2012.html", 4, 17),
    ("pingtan__report-2015.html", 4, 17),
    ("pingtan__report-2018.html", 4, 16),
])
def test_real_pingtan_pre2019_tables(name, width, rows):
    (table,) = tables_from_html(real_body(name))
    assert (table.width, len(table.rows)) == (width, rows)
    assert table.rows[0][:2] == ["指标名称", "计量单位"]


@pytest.mark.parametrize("cells,row", [
    ("<td><p>商业</p><p> 企业</p></td><td>\u200b7\u00a0</td>", ["商业企业", "7"]),
    ("<td>第一行<br>第二行</td><td>a<br/>b</td>", ["第一行第二行", "a b"]),
    ("<td>总<script>x</script>计</td><td>a<style>p{}</style>b</td>", ["总计", "ab"]),
    ("<td>1<!-- 2 -->3</td><td>x</td>", ["1 2 3", "x"]),      # the walk reads a comment's text
])
def test_html_cells_read_as_by_the_walk(cells, row):
    """Cells with and without the markup that the fast path leaves to the walk give the walk's text."""
    (table,) = tables_from_html(f"<table><tr>{cells}</tr></table>")
    assert table.rows == [row]


def test_html_spans_with_spaces_and_bad_values():
    html = ("<table><tr><td rowspan=' 2 '>a</td><td colspan='x'>b</td><td colspan='0'>c</td></tr>"
            "<tr><td colspan='2'>d</td></tr></table>")
    (table,) = tables_from_html(html)
    assert table.rows == [["a", "b", "c"], ["a", "d", "d"]]


def test_html_caption_is_the_nearest_text_before_the_table_inside_the_fragment():
    html = ("<div><h3>表一 标题</h3><p>\u3000</p><!-- 注释 -->\n<table><tr><td>a</td><td>1</td></tr></table>"
            "<div><p>段落<b>二</b></p><div><span>\t\n</span></div></div>"
            "<div class='last'><table><tr><td>b</td><td>2</td></tr></table></div></div>")
    first, second = tables_from_html(html)
    assert first.caption == "表一标题"         # cell text rules: no space between CJK
    assert second.caption == "段落二"
    fragment = lxml.html.fromstring(html).find_class("last")[0]
    (inner,) = tables_from_html(fragment)
    assert inner.caption == ""        # the text before it lies outside the fragment read


def test_html_cells_read_for_the_body_text_are_not_read_again():
    from crawler.extract.body import html_to_text, parse_tree
    page = parse_tree("<div><p>表</p><table><tr><td><p>商业</p><p>企业</p></td><td> 1 </td></tr>"
                      "<tr><td>a<br>b</td><td>2</td></tr></table>"
                      "<table><tr><th>x</th><td><span>3</span></td></tr></table></div>")
    string_values: dict = {}
    text = html_to_text(page, string_values=string_values)
    assert text.splitlines() == ["表", "商业企业 | 1", "ab | 2", "x | 3"]
    assert sorted(string_values.values()) == [" 1 ", "2", "3", "ab", "x", "商业企业"]
    tables = tables_from_html(page, string_values)
    assert tables == tables_from_html(page)
    assert tables[0].rows[1] == ["a b", "2"]     # a <br> is a space in a table cell: walked, not shared
