"""Attached documents read like HTML bodies: DOCX, PDF, XLSX (and DOC/XLS with LibreOffice) built
from the seeds give the seeds' year, signature, stats cells and checks; hostile files are refused
or recorded with their reason; Content-Disposition names are decoded and stripped of paths."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections import Counter
from functools import cache

import pytest

from crawler.converters import convert_with_soffice, converter_path, legacy_converter
from crawler.demo.columns.attachments import (
    docx_from_text,
    gbk_disposition,
    pdf_from_text,
    utf8_disposition,
    xlsx_from_text,
)
from crawler.extract import documents
from crawler.extract.document_report import DocumentUnreadable, is_pointer_only, join_documents, report_from_document
from crawler.extract.documents import DocumentLimits, read_document, sniff_kind
from crawler.extract.report import report_from_html, report_from_text
from crawler.parse_target import parse_path_or_url
from crawler.urls import within
from pipelines.attachments import filename_from_content_disposition, safe_file_name, stored_path
from tests.conftest import FIXTURES, ROOT, SEEDS

EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
SEED_001 = "001_3b10d53d6ce3f43f.txt"
SEED_003 = "003_09ecbd43e5a0b949.txt"
SEED_000 = "000_3debe78227b016e7.txt"
needs_soffice = pytest.mark.skipif(converter_path() is None,
                                   reason="converter absent: LibreOffice soffice not installed")


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


_BUILDERS = {"docx": docx_from_text, "pdf": pdf_from_text, "xlsx": xlsx_from_text}


@cache
def _built(kind: str, seed: str) -> bytes:
    """A document of this kind built from the seed's text (tables as real tables), built once."""
    return _BUILDERS[kind](_seed(seed))


@pytest.fixture(scope="module")
def seed_001_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed001")
    (folder / "report.docx").write_bytes(_built("docx", SEED_001))
    (folder / "report.pdf").write_bytes(_built("pdf", SEED_001))
    return folder


def _cell_key(cell: dict) -> tuple:
    return (cell["section"], cell["group"], cell["item"], cell["column"], cell["unit"], cell["value"])


def _has_expected_cell(stats: list[dict], expected: dict) -> bool:
    """A parsed cell that a reader's cell names: its item (without ordinal marker) inside the parsed
    label, the same group/column where given, the same value."""
    return any(expected["item"] in cell["item"]
               and all(expected[k] in (cell[k] or "") for k in ("section", "group", "column") if expected.get(k))
               and cell["value"] == expected["value"] for cell in stats)


def _assert_seed_001(report: dict) -> None:
    facts = EXPECTED[SEED_001]
    assert report["title"] == facts["title"]
    assert report["report_year"] == facts["report_year"]
    assert report["signed_by"] == facts["signed_by"]
    assert report["written_on"] == facts["written_on"]
    assert report["checks"] == []
    sections = Counter(cell["section"] for cell in report["stats"])
    assert sections == {"主动公开": 22, "依申请公开": 161, "复议诉讼": 15}
    for cell in facts["stats"]:
        assert _has_expected_cell(report["stats"], cell), cell


# ---------------------------------------------------------------- the parse command

@pytest.mark.parametrize("file_name", ["report.docx", "report.pdf"])
def test_parse_docx_and_pdf_built_from_seed_001_give_its_cells(seed_001_files, file_name):
    report = parse_path_or_url(str(seed_001_files / file_name))
    _assert_seed_001(report)
    assert report["url"] == str(seed_001_files / file_name)
    assert "根据《国务院办公厅政府信息与政务公开办公室" in report["body_text"]


def test_parse_command_prints_the_report_of_a_docx(seed_001_files):
    done = subprocess.run([sys.executable, "-m", "crawler", "parse", str(seed_001_files / "report.docx")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    _assert_seed_001(json.loads(done.stdout))


def test_parse_refuses_an_html_page_named_pdf(tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes("<html><head><title>404</title></head><body>页面不存在</body></html>".encode())
    with pytest.raises(DocumentUnreadable, match="refused: an HTML page"):
        parse_path_or_url(str(fake))


# ---------------------------------------------------------------- readers, kind by kind

def test_docx_keeps_paragraphs_and_tables_in_document_order():
    document = read_document(_built("docx", SEED_001))
    assert (document.kind, document.status, document.scanned) == ("docx", "ok", False)
    assert len(document.tables) == 3
    lines = document.text.splitlines()
    part3 = lines.index("三、收到和处理政府信息公开申请情况")
    part4 = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    assert document.tables[1].caption == "三、收到和处理政府信息公开申请情况"
    assert any("本年新收政府信息公开申请数量" in line for line in lines[part3:part4])   # table 三 sits between
    assert document.media_type.endswith("wordprocessingml.document")


def test_pdf_table_over_several_pages_is_one_table_with_the_seed_checks():
    data = _built("pdf", SEED_003)
    document = read_document(data)
    assert document.status == "ok" and len(document.tables) == 1
    from_seed = report_from_text(_seed(SEED_003), SEED_003)
    fields = report_from_document(data, "x.pdf")
    assert Counter(map(_cell_key, fields["stats"])) == Counter(map(_cell_key, from_seed["stats"]))
    assert [c["message"] for c in fields["checks"]] == [c["message"] for c in from_seed["checks"]]
    assert EXPECTED[SEED_003]["checks"][0] in fields["checks"][0]["message"]
    assert fields["report_year"] == 2018 and fields["written_on"] == "2019-01-02"


def test_xlsx_tables_split_at_empty_rows_give_the_seed_cells():
    document = read_document(_built("xlsx", SEED_000))
    assert (document.kind, document.status) == ("xlsx", "ok")
    fields = report_from_document(_built("xlsx", SEED_000), "x.xlsx")
    for cell in EXPECTED[SEED_000]["stats"]:
        assert _has_expected_cell(fields["stats"], cell), cell
    assert fields["signed_by"] == EXPECTED[SEED_000]["signed_by"]


def test_xls_is_read_with_xlrd_numbers_as_figures():
    data = (FIXTURES / "documents" / "nanshan-2018.xls").read_bytes()
    assert sniff_kind(data) == "xls"
    expected = Counter(map(_cell_key, report_from_text(_seed(SEED_000), SEED_000)["stats"]))
    assert Counter(map(_cell_key, report_from_document(data, "x.xls")["stats"])) == expected


@needs_soffice
def test_doc_is_read_through_libreoffice():
    doc = convert_with_soffice(_built("docx", SEED_000), ".docx", "doc")
    assert sniff_kind(doc) == "doc"
    expected = Counter(map(_cell_key, report_from_text(_seed(SEED_000), SEED_000)["stats"]))
    fields = report_from_document(doc, "x.doc", legacy_converter())
    assert Counter(map(_cell_key, fields["stats"])) == expected
    assert fields["written_on"] == EXPECTED[SEED_000]["written_on"]


_OLE_WORD = documents._OLE_MAGIC + b"\0" * 64 + "WordDocument".encode("utf-16-le") + b"\0" * 64


def test_doc_without_converter_is_skipped_with_its_reason(monkeypatch):
    result = read_document(_OLE_WORD)
    assert result.kind == "doc"
    assert result.status.startswith("skipped: converter absent")
    assert read_document(_OLE_WORD, convert_legacy=lambda data, suffix: None).status.startswith(
        "skipped: converter absent")
    monkeypatch.setattr("crawler.converters.shutil.which", lambda name: None)
    assert legacy_converter() is None
    with pytest.raises(DocumentUnreadable, match="skipped: converter absent"):
        report_from_document(_OLE_WORD, "x.doc", legacy_converter())


def test_doc_is_read_through_the_converter_handed_in():
    calls = []

    def convert_legacy(data: bytes, suffix: str) -> bytes:
        calls.append((data, suffix))
        return _built("docx", SEED_000)

    fields = report_from_document(_OLE_WORD, "x.doc", convert_legacy)
    assert calls == [(_OLE_WORD, ".doc")]
    expected = Counter(map(_cell_key, report_from_text(_seed(SEED_000), SEED_000)["stats"]))
    assert Counter(map(_cell_key, fields["stats"])) == expected


def test_scanned_pdf_is_recorded_as_scanned_not_empty():
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = io.BytesIO()
    Image.new("L", (200, 100), 255).save(picture, "PNG")
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 50, 500, 400, 200)
    page.showPage()
    page.save()
    result = read_document(out.getvalue())
    assert result.scanned and result.text == ""
    assert result.status.startswith("scanned: no text layer (1 pages, 1 images)")


# ---------------------------------------------------------------- hostile files

def test_corrupt_pdf_is_a_failure_with_its_reason():
    result = read_document(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer garbage")
    assert result.kind == "pdf" and result.status.startswith("failed: corrupt PDF")


def test_html_claiming_to_be_a_pdf_is_refused():
    page = (b"\xef\xbb\xbf  <!DOCTYPE html>\n<html><body>"
            b"\xe6\x96\x87\xe4\xbb\xb6\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8</body></html>")
    assert read_document(page).status == "refused: an HTML page, not a document"


def test_file_over_the_size_limit_is_refused():
    data = docx_from_text("一行")
    result = read_document(data, DocumentLimits(max_bytes=len(data) - 1))
    assert result.status == f"refused: {len(data)} bytes (limit {len(data) - 1})"


def test_docx_zip_bomb_is_refused_before_it_is_opened():
    bomb = io.BytesIO(docx_from_text("一行"))
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", b"\0" * (20 * 1024 * 1024))
    result = read_document(bomb.getvalue())
    assert result.kind == "docx" and result.status.startswith("refused: zip bomb: word/media/zeros.bin expands")
    total = read_document(bomb.getvalue(), DocumentLimits(max_uncompressed=10 * 1024 * 1024, max_ratio=10**9))
    assert total.status.startswith("refused: zip bomb: ") and "uncompressed" in total.status


def test_unknown_bytes_are_skipped_not_guessed():
    assert read_document(b"\x00\x01 just bytes").status == "skipped: unsupported file kind unknown"
    assert sniff_kind(b"Rar!\x1a\x07\x00rest") == "rar"


# ---------------------------------------------------------------- names, paths, domains

@pytest.mark.parametrize("header, name", [
    (utf8_disposition("南山区2020年报.docx"), "南山区2020年报.docx"),
    (gbk_disposition("南山区2020年报.pdf"), "南山区2020年报.pdf"),
    (b'attachment; filename="%E5%B9%B4%E6%8A%A5.pdf"', "年报.pdf"),
    ('attachment; filename="a.pdf"; filename*=UTF-8\'\'%E5%B9%B4%E6%8A%A5.pdf', "年报.pdf"),
    (gbk_disposition("../../../etc/年报.doc"), "年报.doc"),
    ('attachment; filename="/etc/passwd"', "passwd"),
    ('attachment; filename="C:\\Windows\\年报.xls"', "年报.xls"),
    ('attachment; filename=".."', None),
    (None, None),
])
def test_content_disposition_names_are_decoded_and_lose_their_directories(header, name):
    assert filename_from_content_disposition(header.encode("latin-1") if isinstance(header, str)
                                             and header.isascii() else header) == name


def test_stored_path_depends_on_content_only():
    digest = "ab" + "0" * 62
    assert stored_path(digest, "pdf") == f"ab/{digest}.pdf"
    assert safe_file_name("../../x.docx") == "x.docx"


def test_attachments_only_on_the_portals_domains():
    assert within("http://127.0.0.1:8080/a.pdf", ["127.0.0.1"])
    assert within("https://files.nanshan.gov.cn/a.pdf", ["nanshan.gov.cn"])
    assert not within("https://evil.example/a.pdf", ["nanshan.gov.cn"])
    assert not within("https://nanshan.gov.cn.evil.example/a.pdf", ["nanshan.gov.cn"])


# ---------------------------------------------------------------- page + attachment

_POINTER_PAGE = ('<html><body><h1>南山区2020年政府信息公开工作年度报告</h1><div id="zoom"><p>详见附件。</p>'
                 '<p>附件：<a href="/files/nb.docx">南山区2020年政府信息公开工作年度报告.docx</a></p>'
                 '</div></body></html>')


def test_a_page_that_only_points_to_its_attachment_takes_the_attachment_as_body():
    page = report_from_html(_POINTER_PAGE, "http://demo/xxgk/t1.html")
    assert is_pointer_only(page["body_text"], [a["name"] for a in page["attachments"]])
    joined = join_documents(page, [], [read_document(_built("docx", SEED_001))])
    assert "详见附件" not in joined["body_text"]
    _assert_seed_001(joined)


def test_a_page_with_its_own_text_keeps_it_before_the_attachment():
    own = "　".join(["本机关2020年政府信息公开工作情况如下，统计表见附件。"] * 4)
    html = _POINTER_PAGE.replace("<p>详见附件。</p>", f"<p>{own}</p>")
    page = report_from_html(html, "http://demo/xxgk/t1.html")
    assert not is_pointer_only(page["body_text"], [a["name"] for a in page["attachments"]])
    joined = join_documents(page, [], [read_document(_built("xlsx", SEED_000))])
    assert joined["body_text"].startswith(page["body_text"])
    assert len(joined["stats"]) == len(report_from_text(_seed(SEED_000), SEED_000)["stats"])


def test_unreadable_attachments_leave_the_page_as_it_was():
    page = report_from_html(_POINTER_PAGE, "http://demo/xxgk/t1.html")
    assert join_documents(page, [], [read_document(b"<html>404</html>")]) is page
