"""Reporting bodies: the canonical name of a body and which printed names are one body."""
from __future__ import annotations

import pytest

from crawler.extract.names import Aliases, Rename, body_kind, canonical_name, title_subject
from crawler.registry.bodies import load_aliases, report_body

PUTIAN = {"province": "福建省", "prefecture": "莆田市", "county": None, "division_code": "350300"}


@pytest.fixture(scope="module")
def aliases():
    return load_aliases("")


def test_the_alias_file_merges_the_city_office_under_its_abbreviation(aliases):
    short = report_body({"title": "2020年政府信息公开工作年度报告", "publisher": "市府办", "report_year": 2020,
                         **PUTIAN}, aliases)
    full = report_body({"title": "2021年政府信息公开工作年度报告", "publisher": "莆田市人民政府办公室",
                        "report_year": 2021, **PUTIAN}, aliases)
    assert short.key == full.key
    assert (short.name, full.name) == ("市府办", "莆田市人民政府办公室")    # names kept as printed
    assert full.kind == "office" and full.division_code == "350300"


def test_two_counties_education_bureaus_stay_two_bodies(aliases):
    xianyou = report_body({"title": "仙游县教育局2020年政府信息公开工作年度报告", **PUTIAN}, aliases)
    hanjiang = report_body({"title": "涵江区教育局2020年政府信息公开工作年度报告", **PUTIAN}, aliases)
    assert xianyou.canonical_name == hanjiang.canonical_name == "教育局"
    assert (xianyou.division_code, hanjiang.division_code) == ("350322", "350303")
    assert xianyou.key != hanjiang.key


def test_an_unplaced_name_is_never_merged_across_portals(aliases):
    one = report_body({"title": "2020年政府信息公开工作年度报告", "publisher": "教育局", "portal_id": "a"}, aliases)
    other = report_body({"title": "2020年政府信息公开工作年度报告", "publisher": "教育局", "portal_id": "b"}, aliases)
    assert one.division_code is None and one.key != other.key


@pytest.mark.parametrize("name, regions, year, expected", [
    ("莆田市人民政府办公室", ("福建省", "福建", "莆田市", "莆田"), None, "人民政府办公室"),
    ("福建省莆田市审计局", ("福建省", "福建", "莆田市", "莆田"), None, "审计局"),
    ("莆田审计局", ("莆田市", "莆田"), None, "审计局"),
    ("县府办", (), None, "人民政府办公室"),
    ("区政府办", (), None, "人民政府办公室"),
    ("南山区政府", ("南山区", "南山"), None, "人民政府"),
    ("南山区", ("南山区", "南山"), None, "人民政府"),
    ("平潭综合实验区管委会办公室", ("平潭综合实验区",), None, "管理委员会办公室"),
    ("同江市旅游局", ("同江市", "同江"), 2017, "文化和旅游局"),
    ("同江市旅游局", ("同江市", "同江"), 2020, "旅游局"),            # after the rename: another body
    ("市场监督管理局", (), None, "市场监督管理局"),                   # 市场 is no level word
    ("  莆田市\u3000审计局 ", ("莆田市",), None, "审计局"),
])
def test_canonical_name(name, regions, year, expected, aliases):
    assert canonical_name(name, regions, year, aliases) == expected


def test_a_rename_of_the_users_own_file_applies(tmp_path):
    extra = tmp_path / "aliases.toml"
    extra.write_text('[[rename]]\nold = "卫生局"\nnew = "卫生健康委员会"\nuntil = 2018\n'
                     '[abbreviations]\n"卫计委" = "卫生健康委员会"\n', encoding="utf-8")
    aliases = load_aliases(str(extra))
    assert (canonical_name("卫生局", (), 2017, aliases) == canonical_name("卫计委", (), 2021, aliases)
            == "卫生健康委员会")
    assert canonical_name("市府办", (), None, aliases) == "人民政府办公室"      # the package file still applies


def test_an_unreadable_alias_file_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rename]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read the alias file"):
        load_aliases(str(bad))


@pytest.mark.parametrize("title, subject", [
    ("南山区2020年政府信息公开工作年度报告", "南山区"),
    ("南山区政府2018年度政府信息公开报告", "南山区政府"),
    ("2018年松岭区政府信息公开工作年度报告", "松岭区"),
    ("莆田市审计局2020年政府信息公开工作年度报告", "莆田市审计局"),
    ("平潭综合实验区2024年度政府信息公开工作年度报告", "平潭综合实验区"),
    ("南山区2019年度报告", "南山区"),
    ("2020年政府信息公开工作年度报告", None),
    ("关于2020年度政府信息公开工作年度报告", None),
    (None, None),
])
def test_title_subject(title, subject):
    assert title_subject(title) == subject


@pytest.mark.parametrize("canonical, kind", [
    ("人民政府", "government"), ("管理委员会", "government"), ("松岭区", "government"),
    ("人民政府办公室", "office"), ("城关镇人民政府", "township"), ("东街街道办事处", "township"),
    ("审计局", "department"), ("文化和旅游局", "department"),
])
def test_body_kind(canonical, kind):
    assert body_kind(canonical) == kind


def test_no_alias_no_merge():
    bare = Aliases(renames=(Rename("旅游局", "文化和旅游局", 2018),))
    assert canonical_name("市府办", (), None, bare) != canonical_name("市人民政府办公室", (), None, bare)
