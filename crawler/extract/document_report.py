"""A report composed from documents (pure, no I/O):
- `report_from_document(data, url, convert_legacy)`: an attached document on its own (PDF, DOCX,
  DOC, WPS, XLS(X)); DOC/WPS/RTF need a converter (see `documents.ConvertLegacy`);
- `join_documents(fields, page_tables, documents)`: a page's fields with its attachments'
  text and tables joined: body = page text + attachment texts, or the attachments alone when
  the page only points to them ("详见附件"); signature, report year, stats and checks are
  recomputed over all of it.
"""
from __future__ import annotations

import re

from crawler.extract.documents import ConvertLegacy, DocumentText, read_document
from crawler.extract.metadata import read_metadata_text
from crawler.extract.report import complete_fields
from crawler.extract.title import title_from_text

# What a page that only points to its attachment says besides the link names.
POINTER_MAX_CHARS = 80
_POINTER_NOISE = re.compile(r"[\s\u3000:：,，.。;；、!！()（）《》<>\[\]【】\"“”'‘’|/\-—_]+")


class DocumentUnreadable(ValueError):
    """A document that gives no text: refused, corrupt, scanned, or its converter absent."""


def report_from_document(data: bytes, url: str, convert_legacy: ConvertLegacy | None = None) -> dict:
    """An attached document on its own -> the report's fields. Raises DocumentUnreadable with
    the reader's status when the document gives no text."""
    document = read_document(data, convert_legacy=convert_legacy)
    if not document.ok:
        raise DocumentUnreadable(f"{document.kind}: {document.status}")
    meta, rest = read_metadata_text(document.text)
    fields = {
        "url": url,
        "title": meta.get("title") or title_from_text(rest),
        **{k: meta.get(k) for k in ("index_no", "publisher", "published_on", "written_on", "doc_no",
                                     "topic", "keywords", "validity")},
        "attachments": [],
    }
    return complete_fields(fields, rest, document.tables)


def is_pointer_only(page_text: str, attachment_names: list[str] = ()) -> bool:
    """True when the page says nothing but "详见附件" and the names of its attachments."""
    text = page_text or ""
    for name in attachment_names:
        if name:
            text = text.replace(name, "")
    return len(_POINTER_NOISE.sub("", text)) < POINTER_MAX_CHARS


def join_documents(fields: dict, page_tables: list, documents: list[DocumentText]) -> dict:
    """The page's fields recomputed with the text and tables of its readable attachments."""
    readable = [d for d in documents if d.ok and d.text.strip()]
    if not readable:
        return fields
    page_text = fields.get("body_text") or ""
    names = [a.get("name") or "" for a in fields.get("attachments") or []]
    if is_pointer_only(page_text, names):
        texts, tables = [], []
    else:
        texts, tables = [page_text], list(page_tables)
    for document in readable:
        texts.append(document.text)
        tables.extend(document.tables)
    joined = dict(fields)
    if not joined.get("title"):
        joined["title"] = title_from_text(readable[0].text)
    return complete_fields(joined, "\n".join(t for t in texts if t.strip()), tables)
