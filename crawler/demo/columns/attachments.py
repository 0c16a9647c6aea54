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
from dataclasses import dataclass, replace
from urllib.parse import quote

from crawler.demo.chrome import page
from crawler.demo.reports import DemoReport, metadata_table, seed_reports
from crawler.demo.site import DemoResponse, Site, html_response
from crawler.extract.documents import MEDIA_TYPES, converter_path, convert_with_soffice
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
