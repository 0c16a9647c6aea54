"""Nightly crawls: only what changed is fetched, revisions become versions, reposts merge,
and every run is on record (issue 6)."""
from __future__ import annotations

import zlib
from dataclasses import replace

import pytest
from sqlalchemy import select

from crawler.demo.reports import seed_reports
from pipelines import db

pytestmark = pytest.mark.db

SEEDS = {r.slug: r for r in seed_reports()}


def _by_title(session) -> dict[str, db.ReportRow]:
    session.expire_all()
    return {r.title: r for r in session.scalars(select(db.ReportRow))}


def _change_the_portal(demo) -> dict:
    """Between two runs: one new report, one revised in place, one near-identical repost."""
    nanshan_2020 = SEEDS["nanshan-2020"]
    new = replace(nanshan_2020, slug="nanshan-2021", title="南山区2021年政府信息公开工作年度报告",
                  published_on="2022-01-20", path="202201/t20220120_590001.html",
                  index_no="11230404MB1901234X/2022-00002",
                  body_override=nanshan_2020.body_text().replace("2020", "2021"))
    revised_text = SEEDS["tongjiang-2017"].body_text() + "\n（本报告于2018年4月2日更正了第二部分的数据说明。）"
    nanshan_2018 = SEEDS["nanshan-2018"]
    repost = replace(nanshan_2018, slug="nanshan-2018-repost", title="南山区政府2018年度政府信息公开报告（转载）",
                     published_on="2019-04-02", path="201904/t20190402_378888.html",
                     index_no="11230404MB1901234X/2019-00031",
                     body_override=nanshan_2018.body_text().replace("二〇一九年三月十六日", "二〇一九年四月二日"))
    demo.trs.add(repost)
    demo.trs.add(new)
    demo.trs.revise("tongjiang-2017", revised_text)
    return {"new": new, "revised_text": revised_text, "repost": repost}


def test_second_run_fetches_only_new_and_changed_pages(run_crawl, session, demo):
    first = run_crawl()
    assert first.returncode == 0, first.log[-2000:]
    changes = _change_the_portal(demo)
    second = run_crawl()
    assert second.returncode == 0, second.log[-2000:]

    # 6 known report URLs were asked with conditional requests: 5 answered 304, the revised one 200;
    # the new report and the repost are the only other report pages fetched
    assert second.stats["reports/not_modified"] == 5
    assert second.stats["reports/parsed"] == 3
    assert second.stats["downloader/response_status_count/304"] == 5
    assert second.stats["reports/stored/new"] == 1
    assert second.stats["reports/stored/changed"] == 1
    assert second.stats["reports/stored/duplicate"] == 1

    reports = _by_title(session)
    assert len(reports) == 6
    assert changes["repost"].title not in reports           # merged into the original
    original = reports["南山区政府2018年度政府信息公开报告"]
    assert {u.url.rsplit("/", 1)[1] for u in original.urls} == {"t20190318_377001.html", "t20190402_378888.html"}

    run = session.scalars(select(db.Run).order_by(db.Run.id.desc())).first()
    assert (run.new_reports, run.changed_reports, run.duplicates, run.failures) == (1, 1, 1, 0)
    assert run.not_modified == 5 and run.finish_reason == "finished"


def test_a_revised_report_keeps_its_old_version(run_crawl, session, demo):
    assert run_crawl().returncode == 0
    before = _by_title(session)["同江市2017年政府信息公开工作年度报告"]
    old_hash = before.body_hash
    changes = _change_the_portal(demo)
    assert run_crawl().returncode == 0
    after = _by_title(session)["同江市2017年政府信息公开工作年度报告"]
    assert after.id == before.id and after.version == 2
    assert "更正了第二部分的数据说明" in after.body_text
    versions = session.scalars(select(db.ReportVersion).where(db.ReportVersion.report_id == after.id)
                               .order_by(db.ReportVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].body_hash == old_hash != versions[1].body_hash
    assert "更正了第二部分".encode() not in zlib.decompress(versions[0].raw_html_z)
    assert "更正了第二部分".encode() in zlib.decompress(versions[1].raw_html_z)
    assert changes["revised_text"]


def test_two_years_of_one_publisher_stay_two_reports_with_their_similarity(run_crawl, session, demo):
    assert run_crawl().returncode == 0
    _change_the_portal(demo)
    assert run_crawl().returncode == 0
    reports = _by_title(session)
    y2020 = reports["南山区2020年政府信息公开工作年度报告"]
    y2021 = reports["南山区2021年政府信息公开工作年度报告"]
    assert y2020.id != y2021.id and (y2020.report_year, y2021.report_year) == (2020, 2021)
    assert y2021.similarity_prev_year is not None and y2021.similarity_prev_year > 0.9
    assert y2020.similarity_prev_year is None      # no 2019 report of that publisher


def test_nothing_changed_costs_a_listing_page_and_conditional_requests(run_crawl, demo):
    first = run_crawl()
    second = run_crawl()
    assert second.returncode == 0
    assert second.stats["reports/listing_pages"] == 1 < first.stats["reports/listing_pages"]
    assert "reports/parsed" not in second.stats
    assert second.stats["response_received_count"] < first.stats["response_received_count"]


def test_full_mode_walks_everything_again(run_crawl, session):
    assert run_crawl().returncode == 0
    full = run_crawl({"portal": "demo-nanshan", "mode": "full"})
    assert full.returncode == 0
    assert full.stats["reports/listing_pages"] == 3
    assert "reports/not_modified" not in full.stats
    assert full.stats["reports/stored/unchanged"] == 6
    runs = session.scalars(select(db.Run).order_by(db.Run.id)).all()
    assert [r.mode for r in runs] == ["nightly", "full"]


def test_listing_markup_change_is_a_failure_naming_the_portal(run_crawl, session, demo):
    assert run_crawl().returncode == 0
    # the portal moves to a CMS whose links no longer look like TRS detail pages
    for i in range(demo.trs.page_count()):
        path = demo.trs.listing_path(i)
        page = demo.site.routes[path](None).body.decode("utf-8").replace(".html\"", ".jsp\"")
        from crawler.demo.site import html_response
        demo.site.add(path, html_response(page))
    broken = run_crawl()
    assert broken.returncode == 1          # nothing stored and a failure recorded: cron notices
    assert broken.log.strip().splitlines()[-1].startswith("crawl failed: 0 reports stored")
    run = session.scalars(select(db.Run).order_by(db.Run.id.desc())).first()
    failures = session.scalars(select(db.Failure).where(db.Failure.run_id == run.id)).all()
    assert [f.portal_id for f in failures] == ["demo-nanshan"]
    assert "demo-nanshan" in failures[0].reason and "no report link" in failures[0].reason
    assert run.failures == 1


def test_minhash_signatures_are_stable_and_measure_overlap():
    """Signatures are stored and compared across runs: the same text gives the same bytes in every
    process, a re-wrapped copy with another date line is near 1, another report near 0."""
    import subprocess
    import sys

    from crawler.extract.similarity import body_minhash, similarity, to_bytes
    from tests.conftest import SEEDS
    text = (SEEDS / "001_3b10d53d6ce3f43f.txt").read_text(encoding="utf-8")
    here = to_bytes(body_minhash(text)).hex()
    code = ("import sys; from crawler.extract.similarity import body_minhash, to_bytes; "
            "print(to_bytes(body_minhash(sys.stdin.read())).hex())")
    there = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True,
                           env={"PYTHONHASHSEED": "123", "PATH": ""},
                           cwd=str(SEEDS.parent.parent.parent)).stdout.strip()
    assert here == there
    rewrapped = text.replace("2021年1月25日", "2021年2月1日").replace("\n", "\n  ")
    assert similarity(body_minhash(text), body_minhash(rewrapped)) > 0.95
    other = (SEEDS / "000_3debe78227b016e7.txt").read_text(encoding="utf-8")
    assert similarity(body_minhash(text), body_minhash(other)) < 0.2


def test_a_hanweb_column_page_with_stale_rows_is_asked_past_them_every_night(run_crawl, session, demo):
    """A jpage column page embeds its first rows, and a real portal's page can be out of date (a
    cached page): every row it shows is known while the proxy already lists a new report. The
    nightly walk does not end on such a page."""
    from dataclasses import replace as replaced

    from crawler.demo.columns.detail import Entry, detail_response
    from crawler.demo.reports import seed_reports
    from crawler.demo.site import html_response

    assert run_crawl({"portal": "demo-hanweb"}).returncode == 0
    column = demo.hanweb
    stale_page = column.listing_html()
    new = Entry(replaced(seed_reports()[0], slug="nanshan-2021", title="南山区2021年政府信息公开工作年度报告",
                         published_on="2022-01-20", path="202201/t20220120_500001.html",
                         index_no="11230404MB1901234X/2022-00001",
                         body_override=seed_reports()[0].body_text().replace("2020年", "2021年")))
    column.list.entries.insert(0, new)
    demo.site.add(column.list.detail_path(new), detail_response(new, '<div id="zoom">', "</div>"))
    demo.site.add(column.listing_path, html_response(stale_page))      # the page still shows the old rows

    nightly = run_crawl({"portal": "demo-hanweb"})
    assert nightly.returncode == 0
    assert nightly.stats.get("reports/stored/new") == 1
    titles = {r.title for r in session.scalars(select(db.ReportRow))}
    assert "南山区2021年政府信息公开工作年度报告" in titles


def test_links_naming_a_page_in_other_ways_are_known_the_next_night(run_crawl, session, demo):
    """One URL identity: report links with query arguments out of order and a fragment, and one
    reached through a redirect, are stored under their canonical URL; the next nightly run finds
    each of them known, asks conditionally, and downloads no report page."""
    first = run_crawl({"portal": "demo-identity"})
    assert first.returncode == 0 and first.stats["reports/stored/new"] == 5
    urls = {u.url for u in session.scalars(select(db.ReportUrl))}
    assert not [u for u in urls if "#" in u or "year=" in u.split("id=")[0]]        # canonical: id before year
    redirected = demo.identity.redirected
    assert {f"{demo.base_url}/gkml/bs/go.jsp?id={redirected}"} <= urls              # the link, beside its page

    nightly = run_crawl({"portal": "demo-identity"})
    assert nightly.returncode == 0
    assert nightly.stats.get("reports/not_modified") == 5
    # robots.txt and the listing page are the only pages downloaded whole; the redirect answers
    # 302, the report pages 304
    assert nightly.stats.get("downloader/response_status_count/200") == 2
    assert nightly.stats.get("downloader/response_status_count/302") == 1
    assert "reports/stored/new" not in nightly.stats
