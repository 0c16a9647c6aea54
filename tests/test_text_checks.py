"""Figures in the text checked against themselves and against the tables (issue 9, part 2).

The real Pingtan pages go through `report_from_html` as `python -m crawler parse` does; the
contradictions and the checks that hold are the ones tests/fixtures/real/SOURCES.md lists.
"""
import json
from pathlib import Path

import pytest

from crawler.extract.checks import check_stats, check_text, text_table_pairs
from crawler.extract.report import report_from_html, report_from_text
from crawler.extract.sentences import breakdowns, figure_item, read_figures

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
REAL = Path(__file__).parent / "fixtures" / "real"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
PINGTAN_REPORTS = ["pingtan__report-2012.html", "pingtan__report-2015.html", "pingtan__report-2018.html",
                   "pingtan__report-2019.html", "pingtan__report-2023.html",
                   "pingtan__report-with-tables__1.html"]


@pytest.fixture(scope="module")
def parsed():
    """Each Pingtan report, parsed once."""
    return {name: report_from_html((REAL / name).read_text(encoding="utf-8"), name) for name in PINGTAN_REPORTS}


def text_checks(report: dict) -> list[tuple]:
    return [(c["rule"], c["expected"], c["found"]) for c in report["checks"] if c["rule"].startswith("text.")]


# ---------------------------------------------------------------- the real contradictions

def test_pingtan_2012_three_contradictions(parsed):
    checks = text_checks(parsed["pingtan__report-2012.html"])
    assert sorted(checks) == sorted([
        ("text.parts_sum", 1931, 1913),          # 1397 + 534 ≠ 1913
        ("text.percentage", 7.58, 8.05),         # 行政许可类信息145条 is 7.58% of 1913, not 8.05%
        ("text.vs_table", 739, 1913),            # 表 主动公开信息数 2012年度 739 vs the text's 1913
    ])
    message = next(c["message"] for c in parsed["pingtan__report-2012.html"]["checks"]
                   if c["rule"] == "text.percentage")
    assert "行政许可类信息" in message and "145条" in message


def test_pingtan_2019_categories_do_not_add_up(parsed):
    (check,) = parsed["pingtan__report-2019.html"]["checks"]
    assert (check["rule"], check["expected"], check["found"]) == ("text.parts_sum", 2533, 2599)
    assert "856条" in check["message"]


def test_pingtan_2023_normative_documents_in_force(parsed):
    (check,) = parsed["pingtan__report-2023.html"]["checks"]
    assert (check["rule"], check["expected"], check["found"]) == ("text.vs_table", 470, 393)
    assert "现行有效件数" in check["message"]


@pytest.mark.parametrize("name", ["pingtan__report-2015.html", "pingtan__report-2018.html",
                                  "pingtan__report-with-tables__1.html"])
def test_pingtan_reports_that_agree_with_themselves_raise_nothing(parsed, name):
    assert parsed[name]["checks"] == []


def test_the_2019_text_twin_flags_the_same_sum():
    report = report_from_text((REAL / "pingtan__report-2019.txt").read_text(encoding="utf-8"), "2019.txt")
    assert text_checks(report) == [("text.parts_sum", 2533, 2599)]


# ---------------------------------------------------------------- the checks that hold are really made

@pytest.mark.parametrize("name,total,parts", [
    ("pingtan__report-2015.html", 2949, [2275, 674]),
    ("pingtan__report-2018.html", 2069, [1592, 477]),
    ("pingtan__report-2023.html", 81, [42, 5, 31, 1, 2]),
])
def test_complete_breakdowns_that_add_up(parsed, name, total, parts):
    text = parsed[name]["body_text"]
    complete = [b for b in breakdowns(read_figures(text), text) if b.complete]
    assert [(b.total.value, [p.value for p in b.parts]) for b in complete] == [(total, parts)]


@pytest.mark.parametrize("name,pairs", [
    ("pingtan__report-2015.html", {("主动公开政府信息", 2949, 2949)}),
    ("pingtan__report-2018.html", {("主动公开政府信息", 2069, 2069)}),
    ("pingtan__report-2023.html", {("现行有效行政规范性文件", 393, 470), ("本年制发行政规范性文件", 77, 77),
                                   ("办结政府信息公开申请", 81, 81), ("行政复议", 2, 2), ("行政诉讼", 7, 7)}),
    ("pingtan__report-with-tables__1.html", {("本年制发行政规范性文件", 62, 62)}),
])
def test_sentence_figures_paired_with_table_cells(parsed, name, pairs):
    report = parsed[name]
    found = {(meaning, figure.value, sum(c["value"] or 0 for c in cells))
             for meaning, figure, cells in text_table_pairs(report["stats"], report["body_text"])}
    assert found == pairs


# ---------------------------------------------------------------- seeds

@pytest.mark.parametrize("name", [n for n in EXPECTED if not n.startswith("_")])
def test_seeds_raise_no_text_check(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    report = report_from_text(text, name)
    assert text_checks(report) == []
    assert len(report["checks"]) == len(EXPECTED[name].get("checks", []))


def test_seed_000_channels_add_up_to_the_total():
    text = (SEEDS / "000_3debe78227b016e7.txt").read_text(encoding="utf-8")
    (breakdown,) = breakdowns(read_figures(text), text)
    assert breakdown.complete and breakdown.total.value == 1488      # 17 + 1416 + 55, the last 通过其它…
    assert sum(p.value for p in breakdown.parts) == 1488


def test_seed_002_partial_list_is_not_checked():
    # 1124 + 17 + 85 ≠ 1209, but 规范性文件 is no channel: a 其中 list without 其他 is never complete
    text = (SEEDS / "002_bb9a5f7779685f94.txt").read_text(encoding="utf-8")
    (breakdown,) = breakdowns(read_figures(text), text)
    assert breakdown.total.value == 1209 and not breakdown.complete


# ---------------------------------------------------------------- each rule holds and breaks

@pytest.mark.parametrize("text,rules", [
    ("全年主动公开政府信息100条。其中，区直部门60条，占60%。各乡镇40条，占40%。", []),
    ("全年主动公开政府信息100条。其中，区直部门60条，占60%。各乡镇45条，占40%。",
     [("text.parts_sum", 105, 100), ("text.percentage", 45, 40)]),
    ("共公布政府信息50条，(其中机构职能类信息20条，其他信息30条)。", []),
    ("共公布政府信息50条，(其中机构职能类信息20条，其他信息31条)。", [("text.parts_sum", 51, 50)]),
    # a part's own breakdown in brackets belongs to the part, not to the total
    ("共发布50条，其中专项资金20条（省级5条、市级15条），其他信息30条。", []),
    # a partial list (no 其他, no shares) is never summed
    ("受理申请10件，其中网上申请4件、信函申请3件。", []),
    # shares are rounded or cut to the printed decimals: 2/3 = 66.67% may print 66.67, 66.6, 67 or 66
    ("办结申请3件，其中：予以公开2件，占66.67%；不予公开1件，占33.33%。", []),
    ("办结申请3件，其中：予以公开2件，占66%；不予公开1件，占33%。", []),
    ("办结申请3件，其中：予以公开2件，占66.7%；不予公开1件，占33.3%。", []),
    ("办结申请3件，其中：予以公开2件，占60%；不予公开1件，占40%。",
     [("text.percentage", 67, 60), ("text.percentage", 33, 40)]),
    # a share of another base (no 其中 link) and an approximate total are no breakdown
    ("受理申请5件，同比增长25%。", []),
    ("共收集网络信息近100条，其中：甲类60条，占60%；其他50条，占40%。", []),
])
def test_parts_sum_and_percentage_rules(text, rules):
    assert [(c["rule"], c["expected"], c["found"]) for c in check_text([], text)] == rules


def _part2_cell(column, value):
    return {"section": "主动公开", "group": "第二十条第（一）项", "item": "行政规范性文件", "column": column,
            "unit": None, "value": value}


@pytest.mark.parametrize("text,expected", [
    ("清理并集中发布现行有效行政规范性文件470件。", []),
    ("清理并集中发布现行有效行政规范性文件393件。", [("text.vs_table", 470, 393)]),
    # a subset (各部门…) or a figure with a share is not the table's cell
    ("各部门现行有效行政规范性文件393件。", []),
])
def test_vs_table_rule_on_part2(text, expected):
    stats = [_part2_cell("本年制发件数", 77), _part2_cell("现行有效件数", 470)]
    assert [(c["rule"], c["expected"], c["found"]) for c in check_stats(stats, text)] == expected


@pytest.mark.parametrize("text,expected", [
    ("2012年主动公开政府信息739条。", []),
    ("2012年主动公开政府信息1913条。", [("text.vs_table", 739, 1913)]),
    ("2012年区直各单位主动公开政府信息1913条。", []),     # a subset of the whole
    ("通过门户网站主动公开政府信息1913条。", []),          # one channel of the whole
])
def test_vs_table_rule_on_pre2019_total_uses_the_year_column(text, expected):
    stats = [{"section": None, "group": None, "item": "主动公开信息数", "column": column, "unit": "条",
              "value": value} for column, value in (("2012年度", 739), ("历年累计", 4359))]
    assert [(c["rule"], c["expected"], c["found"]) for c in check_stats(stats, text)] == expected


def test_sentence_figures_without_a_table_stay_stats_cells_not_pairs():
    text = "2017年，全市各部门共受理政府信息公开申请2件。"
    report = report_from_text(text, "t.txt")
    assert [(c["group"], c["item"], c["value"]) for c in report["stats"]] == [("正文", "受理政府信息公开申请", 2)]
    assert report["checks"] == []


@pytest.mark.parametrize("words,item", [
    ("2018年全区主动公开政府信息", "主动公开政府信息"),
    ("2023年全区共主动公开政府信息", "主动公开政府信息"),
    ("今年共发布", "发布"),
    ("清理并集中发布现行有效行政规范性文件", "清理并集中发布现行有效行政规范性文件"),
])
def test_figure_item_drops_time_and_scope(words, item):
    assert figure_item(words) == item


def test_read_figures_skips_dates_phones_tables_and_reads_shares():
    text = ("统计期限自2017年1月1日起至2017年12月31日止。电话：0591-23165385。\n"
            "主动公开文件数 | 条 | 2949 | 81916\n"
            "区直部门主动公开政府信息2275条，占77.14%。各乡镇674条（22.86%）。")
    figures = read_figures(text)
    assert [(f.value, f.unit, f.percent, f.percent_places) for f in figures] == [
        (2275, "条", 77.14, 2), (674, "条", 22.86, 2)]
    assert figures[0].words == "区直部门主动公开政府信息"
