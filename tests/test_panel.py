"""The panel export (one row per body and report year) and the `bodies` command, on the seeds and
the real Pingtan pages: every figure equals the stored cells it stands for, read here by SQL."""
from __future__ import annotations

import copy
import csv

import pytest
from sqlalchemy import func, select

from crawler.extract.report import report_from_html, report_from_text
from pipelines import db
from pipelines.export import PANEL_FIELDS, export_panel
from tests.conftest import REAL, SEEDS, store
from tests.test_cli import cli

pytestmark = pytest.mark.db

REAL_PAGES = ("pingtan__report-2012.html", "pingtan__report-2015.html", "pingtan__report-2018.html",
              "pingtan__report-2019.html", "pingtan__report-2023.html", "pingtan__report-with-tables__1.html")
PINGTAN = {"portal_id": "fj-pingtan", "province": "福建省", "prefecture": "福州市", "county": None,
           "division_code": "350100"}

# figure -> (section, item LIKE, column LIKE) of the 2019 template cells it is the sum of
CELLS_2019 = {
    "normative_issued": ("主动公开", "%规范性文件", "本年%制%"),
    "normative_in_force": ("主动公开", "%规范性文件", "现行有效%"),
    "regulations_issued": ("主动公开", "%规章", "本年%制%"),
    "licensing_decisions": ("主动公开", "行政许可", "%处理决定%"),
    "penalty_decisions": ("主动公开", "行政处罚", "%处理决定%"),
    "admin_fees_wan": ("主动公开", "行政事业性收费", "%收费金额%"),
    "requests_new": ("依申请公开", "一、%", "总计"),
    "requests_carried_over": ("依申请公开", "二、%", "总计"),
    "requests_carried_forward": ("依申请公开", "四、%", "总计"),
    "results_disclosed": ("依申请公开", "三、%/（一）%", "总计"),
    "results_partly": ("依申请公开", "三、%/（二）%", "总计"),
    "results_refused": ("依申请公开", "三、%/（三）%/%", "总计"),
    "results_unavailable": ("依申请公开", "三、%/（四）%/%", "总计"),
    "results_total": ("依申请公开", "三、%/（七）%", "总计"),
    "review_total": ("复议诉讼", "行政复议", "总计"),
    "review_corrected": ("复议诉讼", "行政复议", "结果纠正"),
    "review_pending": ("复议诉讼", "行政复议", "尚未审结"),
    "litigation_total": ("复议诉讼", "行政诉讼/%", "总计"),
    "litigation_corrected": ("复议诉讼", "行政诉讼/%", "结果纠正"),
}
# before 2019: figure -> item LIKE of the one cell it is (the year's column, never 历年累计)
CELLS_PRE2019 = {
    "active_items": "%主动公开%信息数%|%主动公开文件数",
    "requests_new": "%收到申请数|受理依申请公开信息总数",
    "results_total": "%申请答复数|对申请的答复总数",
    "results_disclosed": "%.同意公开答复数|%、同意公开答复数|同意公开答复数",
    "review_total": "%行政复议数%",
}
# rows of the 2019 template that have no pre-2019 row: always empty for a pre-2019 report
ONLY_2019 = ("requests_carried_over", "requests_carried_forward", "results_unavailable", "results_not_processed",
             "review_pending", "normative_in_force", "licensing_decisions")


def _store_all(session) -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        fields = report_from_text(path.read_text(encoding="utf-8"), f"http://seeds.invalid/{path.name}")
        fields.update(title=fields["title"] or path.stem, portal_id="seeds")
        store(session, fields)
    for name in REAL_PAGES:
        fields = report_from_html((REAL / name).read_text(encoding="utf-8"), f"https://www.pingtan.gov.cn/{name}")
        store(session, {**fields, **copy.deepcopy(PINGTAN)})


def _sum(session, report_id: int, section: str, item: str, column: str):
    values = list(session.scalars(select(db.Stat.value).where(
        db.Stat.report_id == report_id, db.Stat.section == section, db.Stat.item.like(item),
        db.Stat.column.like(column))))
    return sum(v or 0 for v in values) if values else None      # 2019 template: a blank cell is 0


def _pre2019_cell(session, report_id: int, items: str):
    from sqlalchemy import or_
    values = list(session.scalars(select(db.Stat.value).where(
        db.Stat.report_id == report_id, db.Stat.unit.is_not(None), ~func.coalesce(db.Stat.column, "").like("%累计%"),
        or_(*(db.Stat.item.like(i) for i in items.split("|")))).order_by(db.Stat.id)))
    return values[0] if values else None


def _number(text: str):
    return None if text == "" else float(text)


@pytest.fixture
def panel(session, database_url, tmp_path):
    _store_all(session)
    out = tmp_path / "panel.csv"
    body_years = session.execute(select(func.count()).select_from(
        select(db.ReportRow.body_id, db.ReportRow.report_year).distinct().where(
            db.ReportRow.body_id.is_not(None), db.ReportRow.report_year.is_not(None)).subquery())).scalar()
    session.rollback()
    assert export_panel("csv", str(out), database_url) == [(str(out), body_years)]
    with open(out, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == PANEL_FIELDS
    return rows


def test_the_panels_figures_are_the_stored_cells(panel, session):
    assert {row["format"] for row in panel} == {"", "2019", "2021", "pre2019"}
    for row in panel:
        report_id = int(row["report_id"])
        if row["format"] in ("2019", "2021"):
            for figure, (section, item, column) in CELLS_2019.items():
                if figure == "admin_fees_wan" and row["format"] == "2019":
                    assert row[figure] == "", "2019/2020 templates count fee items, not money"
                    continue
                if figure == "normative_in_force" and row["format"] == "2019":
                    assert row[figure] == "", "对外公开总数量 is not 现行有效"
                    continue
                assert _number(row[figure]) == _sum(session, report_id, section, item, column), (row["title"], figure)
        elif row["format"] == "pre2019":
            for figure, items in CELLS_PRE2019.items():
                assert _number(row[figure]) == _pre2019_cell(session, report_id, items), (row["title"], figure)
            assert all(row[figure] == "" for figure in ONLY_2019), row["title"]
        else:
            assert all(row[figure] == "" for figure in CELLS_2019), row["title"]
        assert int(row["checks_failed"]) == session.scalar(
            select(func.count()).select_from(db.CheckRow).where(db.CheckRow.report_id == report_id))


def test_the_rates_follow_their_definitions(panel):
    for row in panel:
        disclosed, partly, total = (_number(row[k]) for k in ("results_disclosed", "results_partly", "results_total"))
        if total:
            assert float(row["disclosure_rate"]) == pytest.approx((disclosed + partly) / total, abs=1e-6)
        else:
            assert row["disclosure_rate"] == ""
        corrected, reviews, pending = (_number(row[k]) for k in ("review_corrected", "review_total", "review_pending"))
        if corrected is not None and reviews and reviews - (pending or 0):
            assert float(row["review_correction_rate"]) == pytest.approx(corrected / (reviews - (pending or 0)),
                                                                         abs=1e-6)
        else:
            assert row["review_correction_rate"] == ""
    pingtan_2024 = next(r for r in panel if r["report_year"] == "2024")
    assert (pingtan_2024["disclosure_rate"], pingtan_2024["review_correction_rate"]) == (
        str(round((71 + 29) / 218, 6)), str(round(1 / (7 - 1), 6)))      # SOURCES.md: 表三, 表四 read by eye


def test_one_row_per_body_and_year_and_the_year_check_counted(panel, session):
    keys = [(row["body_id"], row["report_year"]) for row in panel]
    assert len(keys) == len(set(keys))
    pingtan = [row for row in panel if row["division_code"] == "350128"]
    assert [row["report_year"] for row in pingtan] == ["2012", "2015", "2018", "2019", "2023", "2024"]
    assert len({row["body_id"] for row in pingtan}) == 1
    assert [row["year_checks_failed"] for row in pingtan] == ["0", "0", "0", "0", "0", "1"]


def test_the_parquet_panel_holds_the_csv_rows(session, database_url, tmp_path):
    import pyarrow.parquet as pq
    _store_all(session)
    export_panel("csv", str(tmp_path / "p.csv"), database_url)
    export_panel("parquet", str(tmp_path / "p.parquet"), database_url)
    table = pq.read_table(tmp_path / "p.parquet")
    with open(tmp_path / "p.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert table.column_names == list(PANEL_FIELDS) and table.num_rows == len(rows)
    assert str(table.schema.field("normative_in_force").type) == "double"
    assert str(table.schema.field("body_name").type) == "string"
    assert table.column("normative_in_force").to_pylist() == [_number(r["normative_in_force"]) for r in rows]


def test_the_commands(session, database_url, tmp_path):
    _store_all(session)
    listed = cli("bodies", "--province", "福建", database_url=database_url).stdout.splitlines()
    assert listed[0].split("\t")[7:] == ["years found", "years missing", "year checks failed"]
    pingtan = [line.split("\t") for line in listed[1:] if "\t350128\t" in line]
    assert [(p[7], p[8], p[9]) for p in pingtan] == [("2012, 2015, 2018–2019, 2023–2024",
                                                      "2013–2014, 2016–2017, 2020–2022", "1")]
    out = tmp_path / "panel.csv"
    done = cli("export", "--panel", "--format", "csv", "--out", str(out), database_url=database_url)
    with open(out, encoding="utf-8") as f:
        assert done.stderr.startswith(f"{sum(1 for _ in csv.DictReader(f))} rows -> {out}")
    refused = cli("export", "--panel", "--format", "jsonl", "--out", "-", database_url=database_url, check=False)
    assert refused.returncode == 1 and refused.stderr.strip().startswith("error:")
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_a_broken_alias_file_is_a_one_line_error(database_url, tmp_path, monkeypatch):
    bad = tmp_path / "aliases.toml"
    bad.write_text("[abbreviations\n", encoding="utf-8")
    monkeypatch.setenv("REPORTS_BODY_ALIASES", str(bad))
    done = cli("bodies", database_url=database_url, check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and str(bad) in done.stderr
