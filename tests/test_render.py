"""The demo renderer: seed text → HTML with real merged cells, same statistics read back."""
from pathlib import Path

import lxml.html
import pytest

from crawler.demo.render import render_body_html
from crawler.extract.stats import extract_stats
from crawler.extract.tables import tables_from_html, tables_from_text

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))


def html_stats(html: str) -> list[dict]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    text = "\n".join(p.text_content() for p in root.iter("p"))
    return extract_stats(text, tables_from_html(html))


@pytest.mark.parametrize("name", NAMES)
def test_rendered_html_gives_the_same_stats_as_the_text(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    expected = extract_stats(text, tables_from_text(text))
    assert expected
    assert html_stats(render_body_html(text)) == expected


def test_part3_is_rendered_with_merged_cells():
    html = render_body_html((SEEDS / "001_3b10d53d6ce3f43f.txt").read_text(encoding="utf-8"))
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    part3 = next(t for t in root.iter("table") if "申请人情况" in t.text_content())
    spans = {td.text_content(): (td.get("rowspan"), td.get("colspan")) for td in part3.iter("td")}
    assert spans["申请人情况"] == (None, "7")
    assert spans["法人或其他组织"] == (None, "5")
    assert spans["自然人"] == ("2", None)
    assert spans["三、本年度办理结果"] == ("20", None)
    assert spans["（三）不予公开"] == ("8", None)
    assert spans["一、本年新收政府信息公开申请数量"] == (None, "3")
    part4 = next(t for t in root.iter("table") if "行政复议" in t.text_content())
    assert part4.xpath("string(.//td[@colspan='10'])") == "行政诉讼"


def test_paragraphs_are_escaped_and_kept_in_order():
    html = render_body_html("标题\n\n<b>不是标签</b>\n结尾")
    assert html == "<p>标题</p>\n<p>&lt;b&gt;不是标签&lt;/b&gt;</p>\n<p>结尾</p>"
