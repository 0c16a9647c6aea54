"""End-to-end: reports that live only in attachments (DOCX, PDF, XLSX, DOC) are crawled from the
demo portal, their files stored once by sha256, and their text, year, stats and checks are those
of the seeds they were built from. Hostile files are refused or recorded, the crawl goes on, and
nothing is written outside the storage root."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.converters import converter_path
from crawler.demo.columns.attachments import (
    AttachedFile,
    docx_from_text,
    gbk_disposition,
    pdf_from_text,
    utf8_disposition,
)
from crawler.demo.reports import DemoReport, seed_reports
from crawler.extract.report import report_from_text
from pipelines import db
from tests.conftest import SEEDS

pytestmark = pytest.mark.db

EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
SEED_OF = {r.title: r.seed for r in seed_reports()}
KINDS = {"南山区2020年政府信息公开工作年度报告": "docx", "南昌高新区2018年政府信息公开工作年度报告": "pdf",
         "南山区政府2018年度政府信息公开报告": "xlsx", "2018年松岭区政府信息公开工作年度报告": "doc"}


def _cells(stats) -> list[tuple]:
    return sorted(((s["section"], s["group"], s["item"], s["column"], s["unit"],
                    None if s["value"] is None else float(s["value"])) for s in stats), key=repr)


def _row_cells(report: db.ReportRow) -> list[tuple]:
    return sorted(((s.section, s.group, s.item, s.column, s.unit, s.value) for s in report.stats), key=repr)


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def files_store(tmp_path):
    return tmp_path / "files"


def _crawl(run_crawl, files_store, **settings):
    return run_crawl({"portal": "demo-attachments"},
                     {"REPORTS_FILES_STORE": str(files_store), **{k: str(v) for k, v in settings.items()}})


def test_attachment_only_reports_read_like_their_seeds(run_crawl, session, demo, files_store):
    result = _crawl(run_crawl, files_store)
    assert result.returncode == 0, result.log[-3000:]
    session.expire_all()
    stored = {r.title: r for r in session.scalars(select(db.ReportRow))}
    expected_titles = {t for t, kind in KINDS.items() if kind != "doc" or converter_path()}
    assert set(stored) == expected_titles
    if not converter_path():
        assert "songling-2018" in demo.attachments.skipped          # skipped with a recorded reason
    for title in expected_titles:
        row, seed = stored[title], SEED_OF[title]
        seed_text = (SEEDS / seed).read_text(encoding="utf-8")
        from_seed = report_from_text(seed_text, seed)
        assert row.report_year == EXPECTED[seed]["report_year"], title
        assert _row_cells(row) == _cells(from_seed["stats"]), title      # every cell, as from the seed text
        assert sorted(c.rule for c in row.checks) == sorted(c["rule"] for c in from_seed["checks"]), title
        assert "详见附件" not in row.body_text                            # the attachment is the body
        [attachment] = row.attachments
        assert attachment.status == "ok"
        assert attachment.name == f"{title}.{KINDS[title]}"              # UTF-8 filename*= and raw GBK names
        assert attachment.path == f"{attachment.sha256[:2]}/{attachment.sha256}.{KINDS[title]}"
        stored_file = files_store / attachment.path
        assert stored_file.stat().st_size == attachment.size
    # the page metadata stays: the seed's publisher, the year and cells from the attachment
    nanshan = stored["南山区2020年政府信息公开工作年度报告"]
    assert nanshan.publisher == "鹤岗市南山区人民政府办公室"
    assert nanshan.signed_by == EXPECTED["001_3b10d53d6ce3f43f.txt"]["signed_by"]
    cells = {(s.group, s.item, s.column): s.value for s in nanshan.stats}
    for cell in EXPECTED["001_3b10d53d6ce3f43f.txt"]["stats"]:
        matches = [v for (g, i, c), v in cells.items()
                   if cell["item"] in i and (cell.get("column") is None or cell["column"] in (c or ""))
                   and (cell.get("group") is None or cell["group"] in (g or ""))]
        assert cell["value"] in matches, cell
    gxq = stored["南昌高新区2018年政府信息公开工作年度报告"]
    assert [c.message for c in gxq.checks] and "收到申请数" in gxq.checks[0].message
    assert result.stats["reports/attachments/stored"] == len(expected_titles)


def _hostile_files(tmp_path) -> dict[str, list[AttachedFile]]:
    seed = (SEEDS / "004_ad8af40d0a921405.txt").read_text(encoding="utf-8")
    good_docx = docx_from_text(seed)
    other_docx = docx_from_text((SEEDS / "000_3debe78227b016e7.txt").read_text(encoding="utf-8"))
    bomb = io.BytesIO(good_docx)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (40 * 1024 * 1024))
    big_pdf = pdf_from_text(seed) + b"%" + b"x" * 300_000
    return {
        "oversize": [AttachedFile("files/big.pdf", "big.pdf", lambda: big_pdf, "application/pdf")],
        "bomb": [AttachedFile("files/bomb.docx", "bomb.docx", lambda: bomb.getvalue(),
                              "application/vnd.openxmlformats-officedocument.wordprocessingml.document")],
        "corrupt": [AttachedFile("files/broken.pdf", "broken.pdf", lambda: b"%PDF-1.4\n1 0 obj <<\n garbage",
                                 "application/pdf")],
        "html": [AttachedFile("files/fake.pdf", "fake.pdf",
                              lambda: b"<!DOCTYPE html><html><body>File not found</body></html>", "application/pdf")],
        "dotdot": [AttachedFile("files/a.docx", "a.docx", lambda: good_docx, "application/octet-stream",
                                gbk_disposition("../../../../" + str(tmp_path / "escaped.docx").lstrip("/")))],
        # the same bytes as the ../ one under another URL (kept once), plus a second document
        "absolute": [AttachedFile("files/b.docx", "b.docx", lambda: good_docx, "application/octet-stream",
                                  utf8_disposition(str(tmp_path / "absolute.docx"))),
                     AttachedFile("files/c.docx", "c.docx", lambda: other_docx, "application/octet-stream")],
    }


def test_hostile_attachments_are_refused_or_recorded_and_the_crawl_goes_on(run_crawl, session, demo,
                                                                         files_store, tmp_path):
    for number, (slug, attached) in enumerate(_hostile_files(tmp_path).items()):
        report = DemoReport(f"hostile-{slug}", "", f"测试{number}街道2020年政府信息公开工作年度报告", "2021-01-20",
                            f"202101/t20210120_9000{number}.html", publisher=f"测试{number}街道办事处",
                            body_override="")
        demo.attachments.add_report(report, attached)
    before = _files_under(tmp_path)
    result = _crawl(run_crawl, files_store, REPORTS_ATTACHMENT_MAXSIZE=200_000)
    assert result.returncode == 0, result.log[-3000:]
    session.expire_all()
    status = {r.title: r.attachments[0] for r in session.scalars(select(db.ReportRow)) if r.title.startswith("测试")}
    by_slug = {slug: status[f"测试{n}街道2020年政府信息公开工作年度报告"]
               for n, slug in enumerate(["oversize", "bomb", "corrupt", "html", "dotdot", "absolute"])}
    assert by_slug["oversize"].status.startswith("refused: over the size limit")
    assert by_slug["bomb"].status.startswith("refused: zip bomb")
    assert by_slug["corrupt"].status.startswith("failed: corrupt PDF")
    assert by_slug["html"].status == "refused: an HTML page, not a document"
    for refused in ("oversize", "bomb", "html"):
        assert by_slug[refused].path is None                          # refused files are not stored
    # names with ../ or an absolute path: recorded without their directories, stored by hash
    assert by_slug["dotdot"].name == "escaped.docx" and by_slug["absolute"].name == "absolute.docx"
    assert by_slug["dotdot"].status == "ok" and by_slug["dotdot"].sha256 == by_slug["absolute"].sha256
    assert by_slug["dotdot"].path == by_slug["absolute"].path         # the same file is kept once
    written = _files_under(tmp_path) - before
    outside = [p for p in written if files_store not in p.parents
               and not p.name.startswith(("reports.sqlite", "stats-"))]      # the test's database and stats
    assert outside == []
    assert not (tmp_path / "escaped.docx").exists() and not (tmp_path / "absolute.docx").exists()
    # the good reports of the column were stored all the same
    titles = {r.title for r in session.scalars(select(db.ReportRow))}
    assert "南山区2020年政府信息公开工作年度报告" in titles
