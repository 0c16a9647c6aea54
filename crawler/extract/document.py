"""`parse PATH_OR_URL`: pick the reader for a file or URL and return the report's public fields.

Also the composition of a report from documents (pure, no I/O):
- `parse_document(data, url)`: an attached document on its own (PDF, DOCX, DOC, WPS, XLS(X));
- `join_documents(fields, page_tables, documents)`: a page's fields with its attachments'
  text and tables joined: body = page text + attachment texts, or the attachments alone when
  the page only points to them ("详见附件"); signature, report year, stats and checks are
  recomputed over all of it.
"""
from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from crawler.extract.documents import DocumentText, read_document, sniff_kind
from crawler.extract.encoding import decode_html
from crawler.extract.metadata import read_metadata_text
from crawler.extract.report import complete_fields, parse_html, parse_text
from crawler.extract.title import title_from_text
from crawler.items import REPORT_FIELDS

HTML_SUFFIXES = {".html", ".htm", ".shtml", ".jsp", ".asp", ".aspx", ".php"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".xls", ".xlsx", ".et", ".rtf"}
DOCUMENT_KINDS = {"pdf", "docx", "doc", "xls", "xlsx", "rtf"}

# What a page that only points to its attachment says besides the link names.
POINTER_MAX_CHARS = 80
_POINTER_NOISE = re.compile(r"[\s\u3000:：,，.。;；、!！()（）《》<>\[\]【】\"“”'‘’|/\-—_]+")


class DocumentUnreadable(ValueError):
    """A document that gives no text: refused, corrupt, scanned, or its converter absent."""


def _public(fields: dict) -> dict:
    return {name: fields.get(name) for name in REPORT_FIELDS}


def parse_document(data: bytes, url: str) -> dict:
    """An attached document on its own -> the report's fields. Raises DocumentUnreadable with
    the reader's status when the document gives no text."""
    document = read_document(data)
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


def parse_path_or_url(target: str) -> dict:
    if target.startswith(("http://", "https://")):
        request = urllib.request.Request(target, headers={"User-Agent": "gov-report-crawler/0.1"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            content_type = response.headers.get("Content-Type")
            url = response.geturl()
        if sniff_kind(body) in DOCUMENT_KINDS:
            return _public(parse_document(body, url))
        text, _ = decode_html(body, content_type)
        return _public(parse_html(text, url))
    path = Path(target)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {target}")
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return _public(parse_document(path.read_bytes(), str(path)))
    if suffix in HTML_SUFFIXES:
        text, _ = decode_html(path.read_bytes())
        return _public(parse_html(text, str(path)))
    if suffix == ".txt":
        text, _ = decode_html(path.read_bytes(), "text/plain")
        return _public(parse_text(text, str(path)))
    raise ValueError(f"cannot parse {path.name}: unsupported file type {suffix or '(none)'}")
