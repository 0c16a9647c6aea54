"""Attached documents (PDF, DOCX, DOC/WPS, XLS/XLSX) as text and tables.

`read_document(data)` is the one entry point: bytes in, `DocumentText` out, never
an exception for a bad file. The kind is sniffed from the bytes (magic numbers,
the parts inside a ZIP, the streams inside an OLE2 file), never from the name or
the server's Content-Type, so an HTML error page served as `x.pdf` is refused.

The text is laid out like `body.html_to_text`: one block per line, a table row
as one line with its cells joined by ' | '. Each table also comes as a `Table`
(the statistics parsers read those), with the paragraph just before it as its
caption. Merged cells: DOCX repeats the text (python-docx), PDF and
spreadsheets leave '' after the first position; the parsers accept both.

Hostile input is refused before any parser sees it: a size limit, and for ZIP
containers (DOCX, XLSX) the declared uncompressed total, the compression ratio
and the number of members (zip bombs). A PDF that parses to no text at all but
has pages is recorded as scanned (no text layer), not as an empty report.

DOC, WPS and RTF are converted to DOCX by the `convert_legacy(data, suffix)` the
caller hands in (`crawler.converters.legacy_converter()`: LibreOffice); without one
the status says "skipped: converter absent". Nothing here does I/O.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.defaults import ATTACHMENT_MAXSIZE
from crawler.extract.body import CELL_SEPARATOR
from crawler.extract.numbers import clean_cell_text
from crawler.extract.tables import Table

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "html": "text/html",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "rtf": "application/rtf",
    "unknown": "application/octet-stream",
}
FILE_SUFFIXES = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "xlsx": ".xlsx", "xls": ".xls",
                 "zip": ".zip", "rar": ".rar", "rtf": ".rtf", "html": ".html", "unknown": ".bin"}
READABLE_KINDS = ("pdf", "docx", "doc", "xlsx", "xls", "rtf")

# DOC/WPS/RTF bytes and their file suffix (.doc, .rtf) -> DOCX bytes; None: no converter at hand
ConvertLegacy = Callable[[bytes, str], "bytes | None"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                         rb"<(?:!doctype\s+html|html|head|body|meta|title|script|div|p)\b",
                         re.I | re.S)


@dataclass(frozen=True)
class DocumentLimits:
    """Guards against hostile files; the defaults fit real annual reports with room to spare."""
    max_bytes: int = ATTACHMENT_MAXSIZE          # the file itself
    max_uncompressed: int = 200 * 1024 * 1024    # all members of a ZIP container together
    max_ratio: int = 200                         # uncompressed / compressed, per large member
    max_members: int = 5000
    max_pages: int = 500                         # PDF pages read


@dataclass
class DocumentText:
    kind: str                                    # sniffed: pdf, docx, doc, xlsx, xls, html, zip, …
    text: str = ""
    tables: list[Table] = field(default_factory=list)
    scanned: bool = False                        # a PDF with pages but no text layer
    status: str = "ok"                           # ok | scanned: … | refused: … | failed: … | skipped: …

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.kind, MEDIA_TYPES["unknown"])


# ---------------------------------------------------------------- sniffing

def sniff_kind(data: bytes) -> str:
    """The file's kind from its bytes: pdf, docx, xlsx, zip, doc, xls, rtf, rar, html or unknown."""
    head = data[:1024]
    if b"%PDF-" in head:                     # the PDF header may follow a little junk (spec: first 1024 bytes)
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data)
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if _HTML_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")):
        return "html"
    return "unknown"


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "unknown"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def _ole_kind(data: bytes) -> str:
    """OLE2 compound file: Word (and Kingsoft WPS) files hold a `WordDocument` stream, Excel
    (and Kingsoft ET) a `Workbook` or `Book` stream. Directory names are UTF-16LE."""
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return "xls"
    return "unknown"


def zip_refusal(data: bytes, limits: DocumentLimits) -> str | None:
    """Why a ZIP container must not be opened (a zip bomb), or None when it is safe."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return f"failed: corrupt ZIP container ({exc})"
    if len(members) > limits.max_members:
        return f"refused: {len(members)} members in the ZIP container (limit {limits.max_members})"
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed:
        return f"refused: zip bomb: {total} bytes uncompressed (limit {limits.max_uncompressed})"
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            return f"refused: zip bomb: {member.filename} expands {ratio}x (limit {limits.max_ratio}x)"
    return None


# ---------------------------------------------------------------- entry point

def read_document(data: bytes, limits: DocumentLimits = DocumentLimits(),
                  convert_legacy: ConvertLegacy | None = None) -> DocumentText:
    """Text and tables of an attached document; failures come back as a status, never raised.
    `convert_legacy` turns DOC/WPS/RTF into DOCX (see ConvertLegacy); without it they are skipped."""
    kind = sniff_kind(data)
    if len(data) > limits.max_bytes:
        return DocumentText(kind, status=f"refused: {len(data)} bytes (limit {limits.max_bytes})")
    if kind == "html":
        return DocumentText(kind, status="refused: an HTML page, not a document")
    if kind not in READABLE_KINDS:
        return DocumentText(kind, status=f"skipped: unsupported file kind {kind}")
    if kind in ("docx", "xlsx"):
        refusal = zip_refusal(data, limits)
        if refusal:
            return DocumentText(kind, status=refusal)
    reader = {"pdf": _read_pdf, "docx": _read_docx, "xlsx": _read_xlsx, "xls": _read_xls}.get(kind)
    try:
        if reader is None:
            return _read_converted(data, limits, kind, convert_legacy)
        return reader(data, limits)
    except Exception as exc:  # a broken file is a recorded failure, never a crashed crawl
        return DocumentText(kind, status=f"failed: corrupt {kind.upper()} ({type(exc).__name__}: {_short(exc)})")


def _short(exc: Exception, limit: int = 160) -> str:
    message = " ".join(str(exc).split())
    return message if len(message) <= limit else message[:limit] + "…"


# ---------------------------------------------------------------- layout helpers

def _row_line(row: list[str]) -> str:
    return CELL_SEPARATOR.join(row)


def _layout(blocks: list[tuple[str, object]]) -> tuple[str, list[Table]]:
    """("line", str) / ("table", rows) blocks in reading order -> (text, tables with captions)."""
    lines: list[str] = []
    tables: list[Table] = []
    for kind, block in blocks:
        if kind == "line":
            line = clean_cell_text(block)
            if line:
                lines.append(line)
            continue
        rows = [row for row in block if any(row)]
        if not rows:
            continue
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        tables.append(Table(rows=rows, caption=lines[-1] if lines else ""))
        lines.extend(_row_line(row) for row in rows)
    return "\n".join(lines), tables


def _cell(text) -> str:
    """A cell's text on one line: lines inside a cell are joined without a separator (商业/企业)."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return clean_cell_text("".join(str(text).splitlines()))


# ---------------------------------------------------------------- DOCX

def _read_docx(data: bytes, limits: DocumentLimits, kind: str = "docx") -> DocumentText:
    import docx
    from docx.table import Table as DocxTable

    document = docx.Document(io.BytesIO(data))
    blocks: list[tuple[str, object]] = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            blocks.append(("table", [[_cell(cell.text) for cell in row.cells] for row in block.rows]))
        else:
            blocks.append(("line", block.text))
    text, tables = _layout(blocks)
    return DocumentText(kind, text, tables)


# ---------------------------------------------------------------- DOC / WPS / RTF, converted to DOCX

def _read_converted(data: bytes, limits: DocumentLimits, kind: str,
                    convert_legacy: ConvertLegacy | None) -> DocumentText:
    docx_bytes = convert_legacy(data, FILE_SUFFIXES[kind]) if convert_legacy else None
    if docx_bytes is None:
        return DocumentText(kind, status="skipped: converter absent (install LibreOffice: soffice)")
    refusal = zip_refusal(docx_bytes, limits)
    if refusal:
        return DocumentText(kind, status=refusal)
    return _read_docx(docx_bytes, limits, kind)


# ---------------------------------------------------------------- PDF

def _read_pdf(data: bytes, limits: DocumentLimits) -> DocumentText:
    import pdfplumber

    blocks: list[tuple[str, object]] = []
    images = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[:limits.max_pages]:
            images += len(page.images)
            page_blocks = _pdf_page_blocks(page)
            if (page_blocks and page_blocks[0][0] == "table" and blocks and blocks[-1][0] == "table"
                    and len(page_blocks[0][1][0]) == len(blocks[-1][1][0])):
                blocks[-1] = ("table", blocks[-1][1] + page_blocks.pop(0)[1])   # a table continued
            blocks.extend(page_blocks)
        pages = len(pdf.pages)
    text, tables = _layout(blocks)
    if not text.strip() and pages:
        return DocumentText("pdf", "", [], scanned=True,
                            status=f"scanned: no text layer ({pages} pages, {images} images)")
    return DocumentText("pdf", text, tables)


def _pdf_page_blocks(page) -> list[tuple[str, object]]:
    """A page's text lines and tables, top to bottom; wrapped prose lines joined again."""
    found = page.find_tables()
    boxes = [table.bbox for table in found]

    def outside(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    items: list[tuple[float, str, object]] = []
    for table in found:
        rows = [[_cell(cell) for cell in row] for row in table.extract()]
        items.append((table.bbox[1], "table", rows))
    lines = page.filter(outside).extract_text_lines(keep_blank_chars=False)
    right = max((line["x1"] for line in lines), default=0)
    for line in lines:
        size = max((char["size"] for char in line.get("chars", [])), default=10)
        items.append((line["top"], "line", (line["text"], line["x1"] >= right - 1.5 * size)))
    items.sort(key=lambda item: item[0])
    blocks: list[tuple[str, object]] = []
    carry = False                       # the previous line ran to the right margin: a wrapped line
    for _, kind, value in items:
        if kind == "table":
            blocks.append(("table", value))
            carry = False
            continue
        text, full = value
        if carry and blocks and blocks[-1][0] == "line":
            blocks[-1] = ("line", blocks[-1][1] + text)
        else:
            blocks.append(("line", text))
        carry = full
    return blocks


# ---------------------------------------------------------------- spreadsheets

def _sheet_blocks(title: str, rows: list[list[str]]) -> list[tuple[str, object]]:
    """A sheet as blocks: runs of rows split at empty rows; a run of one-cell rows is text
    (a heading), any other run a table."""
    blocks: list[tuple[str, object]] = [("line", title)] if title else []
    run: list[list[str]] = []

    def flush():
        if not run:
            return
        if all(sum(1 for cell in row if cell) <= 1 for row in run):
            blocks.extend(("line", next((c for c in row if c), "")) for row in run)
        else:
            last = max(max((i for i, c in enumerate(row) if c), default=0) for row in run) + 1
            first = min(min((i for i, c in enumerate(row) if c), default=last) for row in run)
            blocks.append(("table", [row[first:last] for row in run]))
        run.clear()

    for row in rows:
        if any(row):
            run.append(row)
        else:
            flush()
    flush()
    return blocks


def _read_xlsx(data: bytes, limits: DocumentLimits) -> DocumentText:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    blocks: list[tuple[str, object]] = []
    try:
        for sheet in workbook.worksheets:
            rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
            blocks.extend(_sheet_blocks(_sheet_title(sheet.title), rows))
    finally:
        workbook.close()
    text, tables = _layout(blocks)
    return DocumentText("xlsx", text, tables)


def _read_xls(data: bytes, limits: DocumentLimits) -> DocumentText:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    blocks: list[tuple[str, object]] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = [[_cell(value) for value in sheet.row_values(r)] for r in range(sheet.nrows)]
            blocks.extend(_sheet_blocks(_sheet_title(sheet.name), rows))
    finally:
        book.release_resources()
    text, tables = _layout(blocks)
    return DocumentText("xls", text, tables)


_DEFAULT_SHEET = re.compile(r"^(?:Sheet|工作表)\s*\d*$", re.I)


def _sheet_title(title: str) -> str:
    """A sheet's name as a heading line, unless it is the default `Sheet1` of a one-sheet book."""
    return "" if _DEFAULT_SHEET.match(title or "") else title
