"""The large generated demo portal: page counts, determinism, figures that still add up, no per-report state."""
from __future__ import annotations

import re
import tracemalloc

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.demo.columns.large import MAX_REPORTS, LargePortalSet, LargeSite, figure_factor, place_name, scale_figures
from crawler.demo.reports import seed_reports
from crawler.extract.encoding import decode_html
from crawler.extract.report import report_from_html
from crawler.families.trs import TrsFamily
from crawler.registry import load_portals, select_portals


def _get(site: LargeSite, path: str):
    return site.handle("GET", path, {}, b"")


def _listing(site: LargeSite, path: str) -> HtmlResponse:
    url = "http://127.0.0.1" + path
    return HtmlResponse(url, body=_get(site, path).body, encoding="utf-8", request=Request(url))


def _parsed(site: LargeSite, number: int) -> dict:
    portal_set = site.portal_set
    path = portal_set.report_path(number)
    page, _ = decode_html(_get(site, path).body, None)
    return report_from_html(page, "http://127.0.0.1" + path, listing_title=portal_set.report(number).title)


def test_5000_reports_spread_over_ten_portals_of_25_listing_pages():
    portal_set = LargePortalSet(5000)
    assert [len(portal_set.numbers(p)) for p in range(1, 11)] == [500] * 10
    assert portal_set.listing_page_count(1) == 25
    assert portal_set.page_count() == 5000 + 10 * 25
    assert LargePortalSet(50_000).listing_page_count(10) == 250   # under REPORTS_MAX_LISTING_PAGES (500)


def test_uneven_split_covers_every_report_once():
    portal_set = LargePortalSet(1003, portal_count=7)
    numbers = [n for p in range(1, 8) for n in portal_set.numbers(p)]
    assert numbers == list(range(1003))
    assert all(portal_set.portal_of(n) == p for p in range(1, 8) for n in portal_set.numbers(p))


def test_the_trs_family_walks_every_listing_page_to_every_report():
    portal_set = LargePortalSet(600, portal_count=3)
    site = LargeSite(portal_set)
    first = _listing(site, portal_set.start_path(2))
    family = TrsFamily({})
    pages = [first] + [_listing(site, r.url.removeprefix("http://127.0.0.1")) for r in family.next_requests(first)]
    assert len(pages) == portal_set.listing_page_count(2) == 10
    urls = [link.url for page in pages for link in family.links(page)]
    assert len(urls) == len(set(urls)) == 200
    assert sorted(int(re.search(r"_(\d+)\.html$", u)[1]) for u in urls) == list(portal_set.numbers(2))
    assert all(_get(site, u.removeprefix("http://127.0.0.1")).status == 200 for u in urls[::37])


def test_pages_are_generated_the_same_every_time():
    a, b = LargeSite(LargePortalSet(5000)), LargeSite(LargePortalSet(5000))
    for path in ("/large/04/xxgk/zfxxgknb/index_7.html", LargePortalSet(5000).report_path(1234)):
        assert _get(a, path).body == _get(b, path).body
        assert _get(a, path).headers["ETag"] == _get(a, path).headers["ETag"]


def test_unknown_and_misdated_paths_are_404():
    portal_set = LargePortalSet(5000)
    site = LargeSite(portal_set)
    good = portal_set.report_path(42)
    assert _get(site, good).status == 200
    assert _get(site, good.replace("t2", "t1")).status == 404                  # wrong date stamp
    assert _get(site, portal_set.column_prefix(2) + good.rsplit("/", 2)[1] + "/" + good.rsplit("/", 1)[1]).status == 404
    assert _get(site, "/large/01/xxgk/zfxxgknb/index_25.html").status == 404   # 25 pages: 0 … 24
    assert _get(site, "/large/11/xxgk/zfxxgknb/index.html").status == 404


def test_each_report_is_a_distinct_seed_report_with_scaled_figures():
    portal_set = LargePortalSet(5000)
    site = LargeSite(portal_set)
    seed = _parsed_seed("nanshan-2020")
    number = 9 * 5 + 5 * 4     # seed 0 (nanshan-2020), factor 1 + 65 % 9 = 3
    assert figure_factor(number) == 3
    report = _parsed(site, number)
    assert report["title"] == f"{place_name(number)}区2020年政府信息公开工作年度报告"
    assert report["report_year"] == 2020
    assert report["publisher"] == f"鹤岗市{place_name(number)}区人民政府办公室"
    figures = {(s["section"], s["item"], s["column"]): s["value"] for s in report["stats"]}
    seed_figures = {(s["section"], s["item"], s["column"]): s["value"] for s in seed["stats"]}
    assert figures.keys() == seed_figures.keys()
    assert all(figures[k] == (None if v is None else v * 3) for k, v in seed_figures.items())
    assert report["checks"] == seed["checks"] == []                   # totals still add up


def _parsed_seed(slug: str) -> dict:
    from crawler.demo.columns.trs import TrsColumn
    from crawler.demo.site import Site
    seed = next(r for r in seed_reports() if r.slug == slug)
    return report_from_html(TrsColumn(Site(), "/", [seed]).report_html(seed), "http://127.0.0.1/x.html",
                      listing_title=seed.title)


def test_identities_and_bodies_are_unique_so_nothing_is_merged_as_a_repost():
    portal_set = LargePortalSet(50_000)
    sample = range(0, 50_000, 97)
    assert len({place_name(n) for n in range(50_000)}) == 50_000
    assert len({portal_set.report(n).title for n in sample}) == len(sample)
    assert len({portal_set.report(n).index_no for n in sample}) == len(sample)
    # the data layer merges near-identical bodies of one publisher and year as reposts
    assert len({portal_set.report(n).publisher for n in sample}) == len(sample)


def test_scale_figures_touches_table_cells_only():
    text = "2019年共收到申请12件。\n\t本年新收政府信息公开申请数量\n\t12\n收到申请数 | 件 | 36 |"
    assert scale_figures(text, 3) == ("2019年共收到申请12件。\n\t本年新收政府信息公开申请数量\n\t36\n"
                                      "收到申请数 | 件 | 108 |")
    assert scale_figures("\t+36\n\t-4", 2) == "\t+72\n\t-8"


def test_pages_have_real_portal_sizes():
    portal_set = LargePortalSet(5000)
    site = LargeSite(portal_set)
    sizes = sorted(len(_get(site, portal_set.report_path(n)).body) for n in range(5))
    assert 20_000 < sizes[0] and sizes[-1] < 250_000          # tests/fixtures/real: 58-225 KB
    assert 15_000 < len(_get(site, portal_set.start_path(1)).body) < 60_000


def test_serving_holds_no_per_report_state():
    portal_set = LargePortalSet(50_000)
    site = LargeSite(portal_set)
    paths = [portal_set.report_path(n) for n in range(0, 50_000, 250)]
    _get(site, paths[0])
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for path in paths:
        assert _get(site, path).status == 200
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()
    assert grown < 200_000, f"serving {len(paths)} report pages kept {grown} bytes"
    assert site.hits == {}                                   # only listing pages are counted


def test_registry_has_the_ten_large_portals():
    portals = select_portals(load_portals(), province="大型演示")
    assert [p.id for p in portals] == [f"demo-large-{i:02d}" for i in range(1, 11)]
    assert [p.resolved("http://h:1").start_url for p in portals][:2] == [
        "http://h:1/large/01/xxgk/zfxxgknb/index.html", "http://h:1/large/02/xxgk/zfxxgknb/index.html"]
    assert all(p.family == "trs" for p in portals)


@pytest.mark.parametrize("count", [0, MAX_REPORTS + 1])
def test_report_count_is_bounded_by_distinct_place_names(count):
    with pytest.raises(ValueError):
        LargePortalSet(count)
