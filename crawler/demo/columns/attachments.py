"""A TRS-style column whose reports live only in attachments: each page says "详见附件" and links
a document built at server start from a seed (DOCX from seed 001, PDF from seed 003, XLSX from
seed 000, DOC from seed 002 when LibreOffice is installed).

The builders write the seed's tables as real tables (python-docx tables, reportlab tables,
worksheet cells): the flattened seed text is read back into lines and `Table`s with
`tables.text_blocks`, then laid out again.
"""
from __future__ import annotations

import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from urllib.parse import quote

from crawler.converters import convert_with_soffice, converter_path
from crawler.demo.chrome import page
from crawler.demo.columns.trs import TrsColumn
from crawler.demo.reports import DemoReport, metadata_table, seed_reports
from crawler.demo.site import DemoResponse, Site
from crawler.extract.documents import MEDIA_TYPES
from crawler.extract.tables import text_blocks

ATTACHMENTS_COLUMN = "/xxgk/fjnb/"


# ---------------------------------------------------------------- document builders

def docx_from_text(text: str, title: str = "") -> bytes:
    """A DOCX: the title, then each prose line as a paragraph and each table as a Word table."""
    import docx

    document = docx.Document()
    if title:
        document.add_heading(title, level=1)
    for kind, block in text_blocks(text):
        if kind == "line":
            if block.strip():
                document.add_paragraph(block.strip())
            continue
        table = document.add_table(rows=len(block.rows), cols=block.width)
        table.style = "Table Grid"
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
        document.add_paragraph()        # Word wants a paragraph after a table; LibreOffice drops a final table
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_PDF_FONT = "STSong-Light"     # reportlab's built-in CID font: no font file needed


def pdf_from_text(text: str, title: str = "") -> bytes:
    """A PDF (reportlab): prose lines as paragraphs, tables as ruled tables that may span pages."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    prose = ParagraphStyle("prose", fontName=_PDF_FONT, fontSize=10, leading=15, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=prose, fontSize=15, leading=22, alignment=1)
    cell_style = ParagraphStyle("cell", parent=prose, fontSize=8, leading=10)
    out = io.BytesIO()
    template = SimpleDocTemplate(out, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=50, bottomMargin=50)
    story = [Paragraph(html.escape(title), heading), Spacer(1, 8)] if title else []
    for kind, block in text_blocks(text):
        if kind == "line":
            if block.strip():
                story.append(Paragraph(html.escape(block.strip()), prose))
            continue
        width = template.width
        label_share = 0.5 if block.width <= 4 else 0.3
        first = width * label_share
        others = (width - first) / max(block.width - 1, 1)
        rows = [[Paragraph(html.escape(cell), cell_style) for cell in row] for row in block.rows]
        table = Table(rows, colWidths=[first] + [others] * (block.width - 1))
        table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ("FONTNAME", (0, 0), (-1, -1), _PDF_FONT)])
        story += [table, Spacer(1, 6)]
    template.build(story)
    return out.getvalue()


def xlsx_from_text(text: str, title: str = "") -> bytes:
    """An XLSX: one sheet, prose lines in column A, each table in a block of cells after an empty row."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "年度报告"
    row = 1
    if title:
        sheet.cell(row, 1, title)
        row += 2
    for kind, block in text_blocks(text):
        if kind == "line":
            if block.strip():
                sheet.cell(row, 1, block.strip())
                row += 1
            continue
        row += 1
        for cells in block.rows:
            for c, value in enumerate(cells, start=1):
                if value:
                    sheet.cell(row, c, value)
            row += 1
        row += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def doc_from_text(text: str, title: str = "") -> bytes | None:
    """An old Word .doc (LibreOffice converts the DOCX); None when soffice is not installed."""
    soffice = converter_path()
    if soffice is None:
        return None
    return convert_with_soffice(docx_from_text(text, title), ".docx", "doc", soffice)


# ---------------------------------------------------------------- the column

POINTER_TEXT = "详见附件。"


@dataclass
class AttachedFile:
    """One file as the portal serves it: the link text shows `file_name`; `disposition` is the raw
    Content-Disposition value (str, or bytes sent as they are, like a GBK name). The bytes are
    built on first request (`build`), so a portal whose column is never crawled costs nothing."""
    path: str                       # under the column, e.g. files/P020210126_001.docx
    file_name: str
    build: Callable[[], bytes]
    content_type: str
    disposition: str | bytes | None = None

    @cached_property
    def data(self) -> bytes:
        return self.build()

    def response(self, _request=None) -> DemoResponse:
        headers = {"Content-Type": self.content_type}
        if self.disposition is not None:
            raw = self.disposition
            # http.server writes header values as latin-1: bytes pass through unchanged
            headers["Content-Disposition"] = raw.decode("latin-1") if isinstance(raw, bytes) else raw
        return DemoResponse(200, self.data, headers)


def utf8_disposition(name: str) -> str:
    """`attachment; filename*=UTF-8''…` (RFC 5987)."""
    return f"attachment; filename*=UTF-8''{quote(name)}"


def gbk_disposition(name: str) -> bytes:
    """`attachment; filename="…"` with the name as raw GBK bytes, as many portal servers send it."""
    return b'attachment; filename="' + name.encode("gbk") + b'"'


class AttachmentsColumn(TrsColumn):
    """A TRS listing whose report pages only say "详见附件" and link their files."""

    def __init__(self, site: Site, prefix: str, entries: list, files: dict[str, list[AttachedFile]],
                 per_page: int = 3, skipped: dict[str, str] | None = None):
        self.files = files                  # report slug -> its attached files
        self.skipped = dict(skipped or {})  # report slug -> why it is not in the column
        super().__init__(site, prefix, entries, per_page)

    def add_report(self, report: DemoReport, files: list[AttachedFile]) -> None:
        self.files[report.slug] = files
        self.add(report)

    def mount(self) -> None:
        super().mount()
        for files in self.files.values():
            for attached in files:
                self._add(self.prefix + attached.path, attached.response)

    def report_html(self, report: DemoReport) -> str:
        links = "".join(f'<p><a href="../{html.escape(f.path)}">{html.escape(f.file_name)}</a></p>'
                        for f in self.files.get(report.slug, []))
        content = (f'{metadata_table(report)}\n<div class="article">'
                   f'<h1 class="article-title">{html.escape(report.title)}</h1>\n'
                   f'<div class="info">发布时间：{report.published_on}　来源：{html.escape(report.publisher)}</div>\n'
                   f'<div id="zoom"><div class="TRS_Editor"><p>{POINTER_TEXT}</p>\n'
                   f'<div class="fujian">附件：{links}</div></div></div>\n'
                   f'<div class="share">【打印本页】【关闭窗口】</div></div>')
        return page(report.title, content, report.encoding, breadcrumb="政府信息公开年报")


# which seed goes out as which kind of file (slugs of crawler.demo.reports.seed_reports)
ATTACHMENT_KINDS = {"nanshan-2020": "docx", "nanchang-gxq-2018": "pdf", "nanshan-2018": "xlsx",
                    "songling-2018": "doc"}
_BUILDERS = {"docx": docx_from_text, "pdf": pdf_from_text, "xlsx": xlsx_from_text, "doc": doc_from_text}


def attachment_reports() -> tuple[list[DemoReport], dict[str, list[AttachedFile]], dict[str, str]]:
    """The column's reports, their files (built now from the seeds), and the reports skipped
    with their reason (the .doc one when LibreOffice is absent)."""
    reports, files, skipped = [], {}, {}
    for number, report in enumerate(r for r in seed_reports() if r.slug in ATTACHMENT_KINDS):
        kind = ATTACHMENT_KINDS[report.slug]
        if kind == "doc" and converter_path() is None:
            skipped[report.slug] = "converter absent: soffice (LibreOffice) is needed to build a .doc"
            continue
        stamp = report.path.split("/")[1].split("_")[0].lstrip("t")
        file_name = f"{report.title}.{kind}"
        disposition = gbk_disposition(file_name) if number % 2 else utf8_disposition(file_name)
        build = partial(_BUILDERS[kind], report.body_text(), report.title)
        attached = AttachedFile(f"files/P0{stamp}{number:03d}.{kind}", file_name, build, MEDIA_TYPES[kind],
                                disposition)
        reports.append(report)
        files[report.slug] = [attached]
    return reports, files, skipped
