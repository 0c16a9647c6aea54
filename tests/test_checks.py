"""Consistency rules: seeds and real pages raise no false alarm; each rule holds and breaks."""
import copy
import json
from pathlib import Path

import lxml.html
import pytest

from crawler.extract.checks import check_stats
from crawler.extract.stats import extract_stats
from crawler.extract.tables import tables_from_html, tables_from_text

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
REAL = Path(__file__).parent / "fixtures" / "real"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))


def seed_stats(name: str) -> tuple[list[dict], str]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return extract_stats(text, tables_from_text(text)), text


def real_stats(name: str) -> tuple[list[dict], str]:
    doc = lxml.html.fromstring((REAL / name).read_text(encoding="utf-8"))
    body = (doc.xpath("//div[contains(@class,'TRS_Editor')]")
            or doc.xpath("//div[contains(@class,'article_content')]"))[0]
    text = body.text_content()
    return extract_stats(text, tables_from_html(lxml.html.tostring(body, encoding="unicode"))), text


def setting(stats, item_end, column, value):
    """A copy of `stats` with one cell (item ending in item_end, exact column) changed."""
    changed = copy.deepcopy(stats)
    hits = [c for c in changed if c["item"].endswith(item_end) and c["column"] == column]
    assert len(hits) == 1, (item_end, column, hits)
    hits[0]["value"] = value
    return changed


@pytest.mark.parametrize("name", [n for n in EXPECTED if not n.startswith("_")])
def test_seed_check_counts_match_expected(name):
    stats, text = seed_stats(name)
    checks = check_stats(stats, text)
    assert len(checks) == len(EXPECTED[name].get("checks", [])), checks
    assert all(set(c) == {"rule", "expected", "found", "message"} for c in checks)


def test_seed_003_applications_by_channel_is_the_one_problem():
    (check,) = check_stats(*seed_stats("003_09ecbd43e5a0b949.txt"))
    assert check["rule"] == "pre2019.applications_by_channel"
    assert (check["expected"], check["found"]) == (18, 9)
    assert "当面 0" in check["message"] and "信函 9" in check["message"]


@pytest.mark.parametrize("name", ["pingtan__report-with-tables__1.html", "pingtan__report-2019.html",
                                  "pingtan__report-2023.html", "pingtan__report-2012.html",
                                  "pingtan__report-2015.html", "pingtan__report-2018.html"])
def test_real_pages_tables_raise_no_false_alarm(name):
    # the tables of these pages hold; their sentences' contradictions are tests/test_text_checks.py's
    stats, text = real_stats(name)
    assert stats and [c for c in check_stats(stats, text) if not c["rule"].startswith("text.")] == []


@pytest.fixture(scope="module")
def seed_2019():
    return seed_stats("001_3b10d53d6ce3f43f.txt")[0]


@pytest.fixture(scope="module")
def pingtan_2024():
    return real_stats("pingtan__report-with-tables__1.html")[0]


def rules(stats) -> set[str]:
    return {c["rule"] for c in check_stats(stats)}


def test_part3_balance_breaks(pingtan_2024):
    # new 217 → 219 for 自然人 and 总计: the rows still add up, the balance does not
    broken = setting(setting(pingtan_2024, "本年新收政府信息公开申请数量", "自然人", 219),
                     "本年新收政府信息公开申请数量", "总计", 220)
    checks = check_stats(broken)
    assert {c["rule"] for c in checks} == {"2019.part3.balance"}
    assert {(c["expected"], c["found"]) for c in checks} == {(219, 217), (220, 218)}


def test_part3_row_total_breaks(seed_2019):
    broken = setting(seed_2019, "4.无正当理由大量反复申请", "总计", 3)
    checks = check_stats(broken)
    assert "2019.part3.row_total" in {c["rule"] for c in checks}
    row = next(c for c in checks if c["rule"] == "2019.part3.row_total")
    assert (row["expected"], row["found"]) == (0, 3)


def test_part3_results_total_sums_subrows_of_groups_without_own_row(pingtan_2024):
    assert rules(pingtan_2024) == set()       # 71 + 29 + (4+3+32) + 75 + 1 + (1+1) + … = 217
    broken = setting(setting(pingtan_2024, "5.属于三类内部事务信息", "自然人", 30),
                     "5.属于三类内部事务信息", "总计", 30)
    checks = check_stats(broken)
    assert {c["rule"] for c in checks} == {"2019.part3.results_total"}
    assert {c["message"].split(":")[0] for c in checks} == {"自然人", "总计"}


def test_part3_blank_cells_count_as_zero(pingtan_2024):
    blanked = setting(pingtan_2024, "（一）予以公开", "法人或其他组织/商业企业", None)
    assert rules(blanked) == set()


def test_part4_total_holds_and_breaks(pingtan_2024):
    assert rules([c for c in pingtan_2024 if c["section"] == "复议诉讼"]) == set()   # 2+1+3+1 = 7
    broken = setting(pingtan_2024, "复议后起诉", "结果纠正", 3)
    (check,) = check_stats(broken)
    assert check["rule"] == "2019.part4.total" and (check["expected"], check["found"]) == (20, 19)


@pytest.fixture(scope="module")
def seed_2018():
    return seed_stats("003_09ecbd43e5a0b949.txt")[0]


def test_pre2019_applications_by_channel_holds_when_channels_add_up(seed_2018):
    fixed = setting(seed_2018, "4.信函申请数", "统计数", 0)
    assert rules(fixed) == set()


@pytest.mark.parametrize("item,value,rule", [
    ("1.按时办结数", 8, "pre2019.applications_closed"),
    ("2.同意公开答复数", 7, "pre2019.replies_by_type"),
    ("2.兼职人员数", 57, "pre2019.staff"),
    ("(二)被依法纠错数", 1, "pre2019.appeals_total"),
])
def test_pre2019_rules_break(seed_2018, item, value, rule):
    fixed = setting(seed_2018, "4.信函申请数", "统计数", 0)
    if item == "(二)被依法纠错数":        # the same label sits under 行政复议 and 行政诉讼: change 行政复议's
        fixed = copy.deepcopy(fixed)
        next(c for c in fixed if c["item"] == item and c["section"] == "行政复议数量")["value"] = value
    else:
        fixed = setting(fixed, item, "统计数", value)
    assert rules(fixed) == {rule}


def test_pre2019_blank_part_is_not_checked(seed_2018):
    blank = setting(seed_2018, "1.当面申请数", "统计数", None)
    assert rules(blank) == set()


# ---------------------------------------------------------------- the rule registry

def _rules_used(module) -> set[str]:
    """The rule ids a checks module can emit: rule-shaped string literals and RULE_* constants
    used anywhere but in the RULES declaration itself (and the RULE_* assignments)."""
    import ast
    import re
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    skip = set()
    for node in tree.body:
        targets = [getattr(node, "target", None), *getattr(node, "targets", [])]
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if "RULES" in names or any(n.startswith("RULE_") for n in names):
            skip |= {id(n) for n in ast.walk(node)}
    shape = re.compile(r"^(?:\d{4}|pre\d{4}|text|year)(?:\.[a-z0-9_]+)+$")
    used = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and shape.match(node.value):
            used.add(node.value)
        elif isinstance(node, ast.Name) and node.id.startswith("RULE_"):
            used.add(getattr(module, node.id))
    return used


def test_every_rule_emitted_is_declared_and_every_declared_rule_is_emitted():
    from crawler.extract import checks, years
    for module in (checks, years):
        used = _rules_used(module)
        assert used == set(module.RULES), module.__name__
        assert all(text.strip() for text in module.RULES.values())
    assert not set(checks.RULES) & set(years.RULES)


def test_an_undeclared_rule_cannot_be_emitted():
    from crawler.extract import checks
    with pytest.raises(KeyError, match="not declared"):
        checks._check("2019.part9.nothing", 1, 2, "x")
