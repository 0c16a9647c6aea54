"""Statistics cells: seed facts (expected.json), full counts, real Pingtan pages, value spellings."""
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from crawler.extract.numbers import parse_value, split_value
from crawler.extract.stats import extract_stats
from crawler.extract.tables import Table, tables_from_html, tables_from_text

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
REAL = Path(__file__).parent / "fixtures" / "real"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
KEYS = {"section", "group", "item", "column", "unit", "value"}


def norm(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).replace("丨", "1")


def find(stats, item="", column="", value=None, group=None):
    """The cells whose group/item/column hold every '/'-part of item and column, with that value."""
    parts = [p for p in norm(item).split("/") if p] + [p for p in norm(column).split("/") if p]
    found = []
    for cell in stats:
        hay = norm(cell["group"]) + "/" + norm(cell["item"]) + "/" + norm(cell["column"])
        if all(p in hay for p in parts) and cell["value"] == value and \
                (group is None or cell["group"] == group):
            found.append(cell)
    return found


def seed_stats(name: str) -> list[dict]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return extract_stats(text, tables_from_text(text))


def real_stats(name: str) -> list[dict]:
    doc = lxml.html.fromstring((REAL / name).read_text(encoding="utf-8"))
    body = (doc.xpath("//div[contains(@class,'TRS_Editor')]")
            or doc.xpath("//div[contains(@class,'article_content')]"))[0]
    return extract_stats(body.text_content(), tables_from_html(lxml.html.tostring(body, encoding="unicode")))


SEED_FACTS = [(name, fact) for name, exp in EXPECTED.items() if not name.startswith("_")
              for fact in exp.get("stats", []) + [dict(f, group="正文") for f in exp.get("narrative_figures", [])]]


@pytest.mark.parametrize("name,fact", SEED_FACTS, ids=[f"{n[:3]}-{f['item'][:12]}" for n, f in SEED_FACTS])
def test_seed_fact(name, fact):
    stats = seed_stats(name)
    cells = find(stats, fact["item"], fact.get("column", ""), fact["value"],
                 group="正文" if fact.get("group") == "正文" else None)
    assert cells, f"missing {fact}"
    if "unit" in fact:
        assert any(c["unit"] == fact["unit"] for c in cells)
    if "section" in fact:
        assert any(c["section"] == fact["section"] for c in cells)


@pytest.mark.parametrize("name", [n for n in EXPECTED if not n.startswith("_")])
def test_cells_have_exactly_the_contract_keys(name):
    stats = seed_stats(name)
    assert stats and all(set(cell) == KEYS for cell in stats)


def test_seed_001_full_counts_of_the_2019_template():
    sections = Counter(c["section"] for c in seed_stats("001_3b10d53d6ce3f43f.txt"))
    assert sections == {"主动公开": 22, "依申请公开": 161, "复议诉讼": 15}


def test_seed_001_part3_paths_and_blank_cells():
    stats = seed_stats("001_3b10d53d6ce3f43f.txt")
    part3 = [c for c in stats if c["section"] == "依申请公开"]
    assert len({c["item"] for c in part3}) == 23 and len({c["column"] for c in part3}) == 7
    assert "三、本年度办理结果/（五）不予处理/2.重复申请" in {c["item"] for c in part3}
    assert "法人或其他组织/法律服务机构" in {c["column"] for c in part3}
    bought = [c for c in stats if c["item"] == "政府集中采购"]
    assert [c["value"] for c in bought] == [None, None]          # blank, never 0
    plus = find(stats, "行政许可", "本年增/减", 36)
    assert plus and plus[0]["group"] == "第二十条第（五）项"


def test_seed_001_part4_items():
    part4 = [c for c in seed_stats("001_3b10d53d6ce3f43f.txt") if c["section"] == "复议诉讼"]
    assert [c["item"] for c in part4[::5]] == ["行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"]
    assert [c["column"] for c in part4[:5]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_seed_003_has_58_figure_rows_with_units_and_sections():
    stats = seed_stats("003_09ecbd43e5a0b949.txt")
    assert len(stats) == 58
    assert all(c["value"] is not None for c in stats)
    fee = find(stats, "依申请公开信息收取的费用", "", 0)
    assert fee[0]["unit"] == "万元" and fee[0]["section"] == "依申请公开信息收取的费用"
    fax = find(stats, "2.传真申请数", "", 4)
    assert fax[0]["group"] == "(一)收到申请数" and fax[0]["section"] == "依申请公开情况"


def test_seed_000_partial_table_without_header():
    stats = seed_stats("000_3debe78227b016e7.txt")
    assert len(stats) == 6 and {c["section"] for c in stats} == {"主动公开情况"}
    assert {c["column"] for c in stats} == {None}


def test_seed_002_channel_table_reads_across():
    stats = seed_stats("002_bb9a5f7779685f94.txt")
    assert [(c["item"], c["column"], c["value"]) for c in stats] == [
        ("政府网站", "数量", 1124), ("规范性文件", "数量", 17), ("政务微信", "数量", 85),
        ("网审平台", "数量", 658), ("重点领域", "数量", 630)]


def test_sentence_figures_only_when_no_table():
    stats = seed_stats("004_ad8af40d0a921405.txt")
    assert stats and all(c["group"] == "正文" for c in stats)
    # seed 001 states 338条 in a sentence, but has tables: no 正文 cells there
    assert not [c for c in seed_stats("001_3b10d53d6ce3f43f.txt") if c["group"] == "正文"]


def test_sentence_figures_skip_dates_phones_percentages_and_years():
    text = ("统计期限自2017年1月1日起至2017年12月31日止。电话：（0454）2907056。"
            "非涉密的规范性文件做到100%公开。2018年共受理政府信息公开申请12件。")
    stats = extract_stats(text, [])
    assert [(c["item"], c["value"], c["unit"]) for c in stats] == [("受理政府信息公开申请", 12, "件")]


def test_adhoc_tall_table_reads_down():
    table = Table(rows=[["渠道", "数量"], ["政府网站", "12"], ["政务微博", "3"]])
    stats = extract_stats("", [table])
    assert [(c["item"], c["column"], c["value"]) for c in stats] == [("政府网站", "数量", 12), ("政务微博", "数量", 3)]


def test_layout_and_metadata_tables_give_no_cells():
    table = Table(rows=[["索引号:", "000000000-2019-03726"], ["发布日期:", "2019-03-11"]])
    assert extract_stats("", [table]) == []


@pytest.mark.parametrize("text,value,unit", [
    ("0", 0, None), ("+36", 36, None), ("-3", -3, None), ("1,234", 1234, None),
    ("１２３４", 1234, None), ("５０００元", 5000, "元"), ("5000元", 5000, "元"),
    ("18651.06", 18651.06, None), ("5949.088667", 5949.088667, None),
    ("75394432.52元", 75394432.52, "元"), ("0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0", 0, None),
    ("\u00a00", 0, None), ("", None, None), ("\u3000", None, None), ("—", None, None),
])
def test_value_spellings(text, value, unit):
    assert split_value(text) == (value, unit)


@pytest.mark.parametrize("text", ["条", "2019-03-11", "12.3.4", "第一项"])
def test_non_figures_are_refused(text):
    with pytest.raises(ValueError):
        parse_value(text)


REAL_CELLS = {
    "pingtan__report-with-tables__1.html": [
        ("规章", "本年制发", 0), ("行政规范性文件", "本年制发", 62), ("行政规范性文件", "本年废止", 33),
        ("行政规范性文件", "现行有效", 440), ("行政许可", "", 4529), ("行政处罚", "", 1100),
        ("行政强制", "", 65), ("行政事业性收费", "", 18651.06),
        ("本年新收", "自然人", 217), ("本年新收", "商业企业", 1), ("本年新收", "总计", 218),
        ("予以公开", "自然人", 71), ("部分公开", "总计", 29), ("属于国家秘密", "总计", 4),
        ("保护第三方合法权益", "自然人", 3), ("三类内部事务", "总计", 32), ("不掌握", "总计", 75),
        ("重复申请", "总计", 1), ("（六）其他处理/1.", "总计", 1), ("（六）其他处理/3.其他", "总计", 2),
        ("（七）总计", "自然人", 217), ("（七）总计", "总计", 218), ("结转下年", "总计", 0),
        ("行政复议", "结果维持", 2), ("行政复议", "结果纠正", 1), ("行政复议", "其他结果", 3),
        ("行政复议", "尚未审结", 1), ("行政复议", "总计", 7), ("复议后起诉", "结果维持", 13),
        ("复议后起诉", "总计", 19), ("未经复议直接起诉", "总计", 0),
    ],
    "pingtan__report-2019.html": [
        ("规范性文件", "本年新制作数量", 89), ("行政许可", "上一年项目数量", 396),
        ("行政许可", "处理决定数量", 181), ("行政处罚", "上一年项目数量", 2648),
        ("行政处罚", "处理决定数量", 430), ("行政强制", "处理决定数量", 25),
        ("行政事业性收费", "上一年项目数量", 35), ("政府集中采购", "采购总金额", 75394432.52),
        ("一、本年新收", "自然人", 23), ("一、本年新收", "总计", 23), ("（一）予以公开", "自然人", 7),
        ("（二）部分公开", "自然人", 1), ("（四）无法提供/1.本机关不掌握相关政府信息", "自然人", 7),
        ("（四）无法提供/3.补正后申请内容仍不明确", "自然人", 5), ("（五）不予处理/2.重复申请", "总计", 3),
        ("（七）总计", "总计", 23), ("四、结转下年度继续办理", "总计", 0),
        ("行政复议", "总计", 0), ("行政诉讼/复议后起诉", "总计", 0),
    ],
    "pingtan__report-2023.html": [
        ("行政规范性文件", "本年制发件数", 77), ("行政规范性文件", "本年废止件数", 132),
        ("行政规范性文件", "现行有效件数", 470), ("行政许可", "本年处理决定数量", 2629),
        ("行政处罚", "本年处理决定数量", 1330), ("行政强制", "本年处理决定数量", 54),
        ("行政事业性收费", "本年收费金额", 5949.088667),
        ("一、本年新收", "自然人", 80), ("一、本年新收", "商业企业", 1), ("一、本年新收", "总计", 81),
        ("（一）予以公开", "总计", 22), ("（二）部分公开", "商业企业", 1), ("（二）部分公开", "总计", 20),
        ("（三）不予公开/8.属于行政查询事项", "总计", 2), ("（四）无法提供/1.本机关不掌握相关政府信息", "总计", 31),
        ("（五）不予处理/2.重复申请", "总计", 1), ("（六）其他处理/1.申请人无正当理由逾期不补正", "总计", 1),
        ("（六）其他处理/3.其他", "总计", 1), ("（七）总计", "总计", 81), ("四、结转", "总计", 0),
        ("行政复议", "结果维持", 1), ("行政复议", "总计", 2), ("未经复议直接起诉", "结果维持", 4),
        ("未经复议直接起诉", "尚未审结", 1), ("未经复议直接起诉", "总计", 5), ("复议后起诉", "其他结果", 1),
        ("复议后起诉", "总计", 2),
    ],
    "pingtan__report-2012.html": [
        ("主动公开信息数", "2012年度", 739), ("主动公开信息数", "历年累计", 4359),
        ("其中：1、网站公开", "2012年度", 739), ("2、政府公报公开", "2012年度", 0),
        ("受理依申请公开信息总数", "2012年度", 0), ("3、电子邮件申请数", "历年累计", 0),
        ("对申请的答复总数", "2012年度", 0), ("3、否决公开答复数", "2012年度", 0),
        ("行政申诉、举报数", "历年累计", 0),
    ],
    "pingtan__report-2015.html": [
        ("主动公开文件数", "2015年度", 2949), ("主动公开文件数", "历年累计", 81916),
        ("其中：1、政府网站公开数", "2015年度", 2949), ("2、政府公报公开数", "历年累计", 0),
        ("受理依申请公开信息总数", "2015年度", 0), ("受理依申请公开信息总数", "历年累计", 1),
        ("3、信函、传真申请数", "历年累计", 1), ("其中：1、同意公开答复数", "历年累计", 1),
        ("4、其他类型答复数", "2015年度", 0), ("政府信息公开收费减免金额", "2015年度", 0),
        ("行政诉讼数", "历年累计", 0),
    ],
    "pingtan__report-2018.html": [
        ("主动公开文件数", "2018年度", 2069), ("主动公开文件数", "历年累计", 12106),
        ("其中：1.政府网站公开数", "历年累计", 12106), ("2.政府公报公开数", "2018年度", 0),
        ("受理依申请公开信息总数", "历年累计", 0), ("3.信函、传真申请数", "2018年度", 0),
        ("4.其他类型答复数", "2018年度", 0), ("行政复议数", "2018年度", 0), ("行政诉讼数", "历年累计", 0),
    ],
}
REAL_CASES = [(name, cell) for name, cells in REAL_CELLS.items() for cell in cells]


@pytest.fixture(scope="module")
def real_cache():
    return {name: real_stats(name) for name in REAL_CELLS}


@pytest.mark.parametrize("name,cell", REAL_CASES, ids=[f"{n[16:24]}-{c[0][:10]}-{c[1][:4]}" for n, c in REAL_CASES])
def test_real_pingtan_cell(real_cache, name, cell):
    item, column, value = cell
    assert find(real_cache[name], item, column, value), f"{name}: {cell}"


def test_real_pingtan_units_and_counts(real_cache):
    fee_2023 = find(real_cache["pingtan__report-2023.html"], "行政事业性收费", "", 5949.088667)
    assert fee_2023[0]["unit"] == "万元" and fee_2023[0]["group"] == "第二十条第（八）项"
    bought = find(real_cache["pingtan__report-2019.html"], "政府集中采购", "采购总金额", 75394432.52)
    assert bought[0]["unit"] == "元"
    waived = find(real_cache["pingtan__report-2015.html"], "政府信息公开收费减免金额", "计量单位", 0)
    assert not waived                    # 计量单位 is the unit, not a figure column
    assert find(real_cache["pingtan__report-2015.html"], "政府信息公开收费减免金额", "2015年度", 0)[0]["unit"] == "元"
    assert find(real_cache["pingtan__report-2012.html"], "行政复议数", "2012年度", 0)[0]["unit"] == "件"
    sections = Counter(c["section"] for c in real_cache["pingtan__report-2019.html"])
    assert sections == {"主动公开": 22, "依申请公开": 161, "复议诉讼": 15}
    sections = Counter(c["section"] for c in real_cache["pingtan__report-2023.html"])
    assert sections == {"主动公开": 10, "依申请公开": 25 * 7, "复议诉讼": 15}


def test_long_cells_are_read_like_short_ones():
    """Short cell texts are remembered, long ones read each time: both the same way."""
    assert split_value("1" * 250) == (int("1" * 250), None)
    assert split_value("\u00a0" * 250 + "5000元") == (5000, "元")
    with pytest.raises(ValueError):
        split_value("第一项" * 100)
    assert split_value("1" * 250) == split_value("1" * 250)
