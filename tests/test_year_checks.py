"""Year-over-year checks on the real Pingtan 2023 and 2024 reports, in every crawl order, and
the reporting bodies the store links reports to."""
from __future__ import annotations

import copy
from functools import cache

import pytest
from sqlalchemy import func, select

from crawler.extract.report import report_from_html, report_from_text
from crawler.extract.years import check_years
from pipelines import db
from tests.conftest import REAL, SEEDS, store

PAGES = {2019: "pingtan__report-2019.html", 2023: "pingtan__report-2023.html",
         2024: "pingtan__report-with-tables__1.html"}
# the region the parse pipeline reads for these pages from the fj-pingtan registry entry
PINGTAN = {"portal_id": "fj-pingtan", "province": "福建省", "prefecture": "福州市", "county": None,
           "division_code": "350100"}


@cache
def _parsed(year: int) -> dict:
    return report_from_html((REAL / PAGES[year]).read_text(encoding="utf-8"), f"https://www.pingtan.gov.cn/{year}.htm")


def _fields(year: int) -> dict:
    return {**copy.deepcopy(_parsed(year)), **PINGTAN}


def _cell(stats: list[dict], item_end: str, column_start: str) -> dict:
    return next(c for c in stats if c["item"].endswith(item_end) and (c["column"] or "").startswith(column_start))


# ---------------------------------------------------------------- the rules on the real pages

def test_the_2024_stock_of_normative_documents_does_not_follow_from_2023():
    earlier, later = _parsed(2023)["stats"], _parsed(2024)["stats"]
    stock = _cell(earlier, "行政规范性文件", "现行有效")["value"]
    issued, repealed = (_cell(later, "行政规范性文件", c)["value"] for c in ("本年制发", "本年废止"))
    printed = _cell(later, "行政规范性文件", "现行有效")["value"]
    assert (stock, issued, repealed, printed) == (470, 62, 33, 440)        # SOURCES.md, read by eye
    found = check_years(earlier, later, "the 2023 report")
    assert [(c["rule"], c["expected"], c["found"]) for c in found] ==\
        [("year.normative_stock", stock + issued - repealed, printed)]
    assert "the 2023 report" in found[0]["message"] and "行政规范性文件" in found[0]["message"]


def test_the_carry_over_of_2023_into_2024_holds():
    earlier, later = _parsed(2023)["stats"], _parsed(2024)["stats"]
    assert _cell(earlier, "结转下年度继续办理", "总计")["value"] == 0
    assert _cell(later, "上年结转政府信息公开申请数量", "总计")["value"] == 0
    assert not [c for c in check_years(earlier, later, "2023") if c["rule"] == "year.carry_over"]


def test_a_carried_over_request_that_was_lost_is_flagged_per_column():
    earlier, later = copy.deepcopy(_parsed(2023)["stats"]), _parsed(2024)["stats"]
    _cell(earlier, "结转下年度继续办理", "自然人")["value"] = 3
    _cell(earlier, "结转下年度继续办理", "总计")["value"] = 3
    found = [c for c in check_years(earlier, later, "2023") if c["rule"] == "year.carry_over"]
    assert sorted((c["message"].split(":")[0], c["expected"], c["found"]) for c in found) ==\
        [("总计", 3, 0), ("自然人", 3, 0)]


def test_nothing_is_checked_across_the_format_change():
    """2019 (first template: 本年新制作 / 对外公开总数量) against 2023 (现行有效): no stock rule;
    a pre-2019 report has no part 三 at all."""
    assert [c["rule"] for c in check_years(_parsed(2019)["stats"], _parsed(2023)["stats"], "2019")] == []
    seed = report_from_text((SEEDS / "003_09ecbd43e5a0b949.txt").read_text(encoding="utf-8"), "http://x/3")
    assert check_years(seed["stats"], _parsed(2019)["stats"], "2018") == []


# ---------------------------------------------------------------- stored: any order, revisions

def _year_checks(session) -> list[tuple]:
    """(later year, earlier year, rule, expected, found) of every stored year check."""
    later, earlier = db.ReportRow.__table__.alias(), db.ReportRow.__table__.alias()
    rows = session.execute(select(later.c.report_year, earlier.c.report_year, db.CheckRow.rule,
                                  db.CheckRow.expected, db.CheckRow.found)
                           .join(later, later.c.id == db.CheckRow.report_id)
                           .join(earlier, earlier.c.id == db.CheckRow.other_report_id))
    result = sorted(tuple(r) for r in rows)
    session.rollback()
    return result


@pytest.mark.db
@pytest.mark.parametrize("order", [(2023, 2024), (2024, 2023), (2024, 2019, 2023)])
def test_stored_in_any_order_the_pair_gives_the_same_checks(session, order):
    for year in order:
        assert store(session, _fields(year)) == "new"
    assert _year_checks(session) == [(2024, 2023, "year.normative_stock", 499, 440)]
    bodies = session.execute(select(db.ReportRow.report_year, db.ReportRow.body_id)).all()
    assert len({body for _year, body in bodies}) == 1
    check = session.scalars(select(db.CheckRow).where(db.CheckRow.other_report_id.is_not(None))).one()
    earlier = session.get(db.ReportRow, check.other_report_id)
    assert earlier.report_year == 2023 and f"#{earlier.id}" in check.message


@pytest.mark.db
def test_a_revision_checks_the_pair_again(session):
    store(session, _fields(2024))
    store(session, _fields(2023))
    assert len(_year_checks(session)) == 1
    revised = _fields(2023)                       # the 2023 report corrected in place: 现行有效 411
    _cell(revised["stats"], "行政规范性文件", "现行有效")["value"] = 411
    revised["body_hash"] = "1" * 64              # a new version of the page
    assert store(session, revised) == "changed"
    assert _year_checks(session) == []            # 411 + 62 − 33 = 440
    revised["body_hash"] = "2" * 64
    _cell(revised["stats"], "行政规范性文件", "现行有效")["value"] = 400
    assert store(session, revised) == "changed"
    assert _year_checks(session) == [(2024, 2023, "year.normative_stock", 429, 440)]
    # the 2024 report's own checks (text rules) survive the recomputations
    assert store(session, _fields(2024)) == "unchanged"
    assert _year_checks(session) == [(2024, 2023, "year.normative_stock", 429, 440)]


@pytest.mark.db
def test_the_store_links_aliases_to_one_body_and_counties_to_two(session):
    putian = {"province": "福建省", "prefecture": "莆田市", "county": None, "division_code": "350300",
              "portal_id": "fj-putian"}
    base = report_from_text((SEEDS / "001_3b10d53d6ce3f43f.txt").read_text(encoding="utf-8"), "http://x/1")
    for n, (title, publisher) in enumerate((
            ("2020年政府信息公开工作年度报告", "市府办"),
            ("2021年政府信息公开工作年度报告", "莆田市人民政府办公室"),
            ("仙游县教育局2020年政府信息公开工作年度报告", "仙游县教育局"),
            ("涵江区教育局2020年政府信息公开工作年度报告", "涵江区教育局"))):
        fields = {**copy.deepcopy(base), **putian, "url": f"http://putian.invalid/{n}", "title": title,
                  "publisher": publisher, "signed_by": None, "body_hash": f"h{n}",
                  "report_year": 2020 if "2020" in title else 2021}
        store(session, fields)
    body_of = dict(session.execute(select(db.ReportRow.publisher, db.ReportRow.body_id)).all())
    assert body_of["市府办"] == body_of["莆田市人民政府办公室"]
    assert body_of["仙游县教育局"] != body_of["涵江区教育局"]
    assert session.scalar(select(func.count()).select_from(db.Body)) == 3


@pytest.mark.db
def test_reports_stored_before_bodies_existed_are_linked_later(session):
    store(session, _fields(2023))
    store(session, _fields(2024))
    with session.begin():                          # as migration 0006 leaves an existing database
        session.execute(db.CheckRow.__table__.delete().where(db.CheckRow.other_report_id.is_not(None)))
        session.execute(db.ReportRow.__table__.update().values(body_id=None))
    assert _year_checks(session) == []
    assert db.link_reports(session) == 2
    assert _year_checks(session) == [(2024, 2023, "year.normative_stock", 499, 440)]
    assert db.link_reports(session) == 0


@pytest.mark.db
def test_migration_0006_upgrades_a_database_that_holds_reports(database_url):
    """A database at 0005 with a report: 0006 adds the tables and columns, keeps the report
    (body_id null), and link_reports links it."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from pipelines.migrations_dir import migrations_dir
    cfg = Config()
    cfg.attributes["skip_logging"] = True
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", db.database_url(database_url).replace("%", "%%"))
    command.upgrade(cfg, "0005")
    engine = db.make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO reports (url, title, report_year, body_text, body_hash, version, publisher, "
                          "province, prefecture, division_code, first_seen, last_seen) VALUES "
                          "('http://putian.invalid/1', '莆田市审计局2020年政府信息公开工作年度报告', 2020, '', 'h', 1, "
                          "'莆田市审计局', '福建省', '莆田市', '350300', '2021-01-01', '2021-01-01')"))
    command.upgrade(cfg, "head")
    with db.session_factory(engine)() as session:
        assert session.scalar(select(db.ReportRow.body_id)) is None
        session.rollback()
        assert db.link_reports(session) == 1
        body = session.scalars(select(db.Body)).one()
        assert (body.name, body.canonical_name, body.division_code, body.kind) ==\
            ("莆田市审计局", "审计局", "350300", "department")
    command.downgrade(cfg, "0005")
    command.upgrade(cfg, "head")
    engine.dispose()
