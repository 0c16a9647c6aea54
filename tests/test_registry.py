"""The portal registry: every government portal of China (portals.csv), the hand-written seed and
corpus portals over it, with region, division code and family."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crawler.families.registry import FAMILIES
from crawler.registry import load_portals, select_portals
from crawler.registry.region import region_from_text

PORTALS = {p.id: p for p in load_portals()}
# the hand-written entries (TOML): their ids are slugs, the CSV's are GB/T 2260 codes
REAL_PORTALS = [p for p in PORTALS.values()
                if p.level != "demo" and p.province != "大型演示" and not p.id.isdigit()]
CSV_ROWS = list(csv.DictReader((Path(__file__).resolve().parent.parent / "crawler" / "registry" / "portals.csv")
                               .open(encoding="utf-8")))
NAMES = {row["code"]: row["name"] for row in CSV_ROWS}
PROVINCES = {row["province_code"]: NAMES[row["province_code"]] for row in CSV_ROWS}
# hand-written portals that are no CSV row's government: a development zone, a national regulator
NOT_IN_CSV = {"jx-nanchang-gaoxin", "cn-nfra"}


@pytest.mark.parametrize(("portal_id", "province", "prefecture", "county", "code", "family"), [
    ("hl-hegang-nanshan", "黑龙江省", "鹤岗市", "南山区", "230404", "auto"),
    ("hl-jiamusi-tongjiang", "黑龙江省", "佳木斯市", "同江市", "230881", "auto"),
    ("hl-daxinganling-songling", "黑龙江省", "大兴安岭地区", "松岭区", "232700", "auto"),
    ("jx-nanchang-gaoxin", "江西省", "南昌市", "南昌高新区", "360100", "auto"),
    ("fj-pingtan", "福建省", "福州市", "平潭综合实验区", "350128", "trs"),
    ("he-handan", "河北省", "邯郸市", None, "130400", "trs"),
])
def test_seed_and_corpus_portals_are_registered(portal_id, province, prefecture, county, code, family):
    portal = PORTALS[portal_id]
    assert (portal.province, portal.prefecture, portal.county, portal.division_code, portal.family) == (
        province, prefecture, county, code, family)
    assert not portal.verified                       # never crawled from here


def test_every_entry_names_a_known_family_and_a_six_digit_code():
    for portal in REAL_PORTALS:
        assert portal.family == "auto" or portal.family in FAMILIES, portal.id
        assert portal.division_code and len(portal.division_code) == 6 and portal.division_code.isdigit()
        assert (portal.start_url or portal.home_url).startswith(("http://", "https://"))


def test_the_registry_holds_every_government_of_the_csv_once():
    assert len(CSV_ROWS) == 3208
    by_code = {p.division_code: p for p in PORTALS.values() if p.id not in NOT_IN_CSV and p.level != "demo"
               and p.province != "大型演示"}
    assert set(by_code) == {row["code"] for row in CSV_ROWS}
    levels = [p.level for p in by_code.values()]
    assert (levels.count("province"), levels.count("prefecture"), levels.count("county")) == (34, 333, 2841)


@pytest.mark.parametrize("code", sorted(PROVINCES))
def test_a_province_backfill_selects_as_many_portals_as_the_csv_lists(code):
    province = PROVINCES[code]
    expected = sum(1 for row in CSV_ROWS if row["province_code"] == code)
    chosen = select_portals(list(PORTALS.values()), province=province[:2])
    extra = [p.id for p in chosen if p.id in NOT_IN_CSV]
    assert len(chosen) - len(extra) == expected
    assert all(p.province == province for p in chosen)


def test_heilongjiang_backfill_is_its_135_governments():
    chosen = select_portals(list(PORTALS.values()), province="黑龙江")
    assert len(chosen) == 135
    by_level = [p.level for p in chosen]
    assert (by_level.count("province"), by_level.count("prefecture")) == (1, 13)
    hegang = sum(1 for row in CSV_ROWS if row["prefecture_code"] == "230400")
    assert len(select_portals(list(PORTALS.values()), province="黑龙江", prefecture="鹤岗")) == hegang > 1
    assert {p.id for p in select_portals(list(PORTALS.values()), province="黑龙江", level="prefecture")} >= {
        "230400", "hl-daxinganling-songling"}


def test_a_hand_written_entry_overrides_its_csv_row_and_answers_to_its_code():
    nanshan = PORTALS["hl-hegang-nanshan"]
    assert "230404" not in PORTALS                        # replaced, not doubled
    assert nanshan.start_url == "http://www.hgnsq.gov.cn/"  # the TOML's knowledge wins
    assert nanshan.home_url == "http://www.hgns.gov.cn"     # the CSV's home page is kept
    (by_code,) = select_portals(list(PORTALS.values()), ["230404"])
    assert by_code.id == "hl-hegang-nanshan"
    # a development zone sharing its city's code is a portal of its own, not the city's
    assert PORTALS["360100"].name == "南昌市人民政府" and PORTALS["jx-nanchang-gaoxin"].division_code == "360100"


def test_csv_portals_are_named_placed_and_kept_to_their_registered_domain():
    hegang = PORTALS["230400"]
    assert (hegang.name, hegang.province, hegang.prefecture, hegang.county, hegang.level) == (
        "鹤岗市人民政府", "黑龙江省", "鹤岗市", None, "prefecture")
    assert hegang.start_url == "" and hegang.home.startswith("http")
    assert PORTALS["he-handan"].domains() == ["hd.gov.cn"]     # hdzfxxgk.hd.gov.cn and www.hd.gov.cn


def test_registered_codes_agree_with_what_cpca_reads_from_the_names():
    for portal in REAL_PORTALS:
        if portal.province == "全国":
            continue
        region = region_from_text(" ".join(x for x in (portal.province, portal.prefecture, portal.county) if x))
        assert region.province == portal.province, portal.id
        assert portal.division_code.startswith(region.division_code.rstrip("0")[:4]), portal.id


def test_the_javascript_only_portal_has_its_family_and_the_unsupported_example_is_test_only():
    nfra = PORTALS["cn-nfra"]
    assert nfra.family == "nfra" and "unsupported" not in nfra.options and not nfra.verified
    assert [p.id for p in PORTALS.values() if p.options.get("unsupported")] == ["demo-unsupported"]
    assert PORTALS["demo-unsupported"].province == "故障演示"       # never in a crawl of 演示


def test_demo_columns_have_entries_with_their_family_and_one_auto():
    families = {p.id: p.family for p in PORTALS.values() if p.level == "demo"}
    assert {families[i] for i in ("demo-pingtan-style", "demo-hanweb", "demo-gkmlpt", "demo-plain-list")} == {
        "trs", "hanweb", "gkmlpt", "generic"}
    assert families["demo-unknown-markup"] == "auto"
