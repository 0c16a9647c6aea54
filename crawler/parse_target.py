"""`python -m crawler parse PATH_OR_URL`: read a file or fetch a URL, then hand the bytes to the
pure extractors and return the report's public fields (nothing stored)."""
from __future__ import annotations

import urllib.request
from pathlib import Path

from crawler.converters import legacy_converter
from crawler.extract.document_report import report_from_document
from crawler.extract.documents import ConvertLegacy, sniff_kind
from crawler.extract.encoding import decode_html
from crawler.extract.report import report_from_html, report_from_text
from crawler.items import REPORT_FIELDS

HTML_SUFFIXES = {".html", ".htm", ".shtml", ".jsp", ".asp", ".aspx", ".php"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".xls", ".xlsx", ".et", ".rtf"}
DOCUMENT_KINDS = {"pdf", "docx", "doc", "xls", "xlsx", "rtf"}
FETCH_TIMEOUT = 30              # seconds
USER_AGENT = "gov-report-crawler/0.1"


def fetch_url(url: str, timeout: float = FETCH_TIMEOUT) -> tuple[bytes, str | None, str]:
    """(body, Content-Type, final URL after redirects) of one GET."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read(), response.headers.get("Content-Type"), response.geturl()


def _public(fields: dict) -> dict:
    return {name: fields.get(name) for name in REPORT_FIELDS}


def parse_path_or_url(target: str, convert_legacy: ConvertLegacy | None = None) -> dict:
    """The report's public fields of a local file or a URL. DOC/WPS/RTF are converted with
    `convert_legacy`, by default LibreOffice when it is installed."""
    convert_legacy = convert_legacy or legacy_converter()
    if target.startswith(("http://", "https://")):
        body, content_type, url = fetch_url(target)
        if sniff_kind(body) in DOCUMENT_KINDS:
            return _public(report_from_document(body, url, convert_legacy))
        text, _ = decode_html(body, content_type)
        return _public(report_from_html(text, url))
    path = Path(target)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {target}")
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return _public(report_from_document(path.read_bytes(), str(path), convert_legacy))
    if suffix in HTML_SUFFIXES:
        text, _ = decode_html(path.read_bytes())
        return _public(report_from_html(text, str(path)))
    if suffix == ".txt":
        text, _ = decode_html(path.read_bytes(), "text/plain")
        return _public(report_from_text(text, str(path)))
    raise ValueError(f"cannot parse {path.name}: unsupported file type {suffix or '(none)'}")
