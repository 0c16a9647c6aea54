"""The portal registry: the seed and corpus portals, with region, division code and family."""
from __future__ import annotations

import pytest

from crawler.families.registry import FAMILIES
from crawler.registry import load_portals
from crawler.registry.region import region_from_text

PORTALS = {p.id: p for p in load_portals()}
REAL_PORTALS = [p for p in PORTALS.values() if p.level != "demo" and p.province != "大型演示"]


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
        assert portal.start_url.startswith(("http://", "https://"))


def test_registered_codes_agree_with_what_cpca_reads_from_the_names():
    for portal in REAL_PORTALS:
        if portal.province == "全国":
            continue
        region = region_from_text(" ".join(x for x in (portal.province, portal.prefecture, portal.county) if x))
        assert region.province == portal.province, portal.id
        assert portal.division_code.startswith(region.division_code.rstrip("0")[:4]), portal.id


def test_the_javascript_only_portal_is_marked_unsupported_and_unverified():
    nfra = PORTALS["cn-nfra"]
    assert "JavaScript" in nfra.options["unsupported"] and not nfra.verified


def test_demo_columns_have_entries_with_their_family_and_one_auto():
    families = {p.id: p.family for p in PORTALS.values() if p.level == "demo"}
    assert {families[i] for i in ("demo-pingtan-style", "demo-hanweb", "demo-gkmlpt", "demo-plain-list")} == {
        "trs", "hanweb", "gkmlpt", "generic"}
    assert families["demo-unknown-markup"] == "auto"
