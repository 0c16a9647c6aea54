"""`parse PATH_OR_URL`: pick the reader for a file or URL and return the report's public fields."""
from __future__ import annotations

import urllib.request
from pathlib import Path

from crawler.extract.encoding import decode_html
from crawler.extract.report import parse_html, parse_text
from crawler.items import REPORT_FIELDS

HTML_SUFFIXES = {".html", ".htm", ".shtml", ".jsp", ".asp", ".aspx", ".php"}


def _public(fields: dict) -> dict:
    return {name: fields.get(name) for name in REPORT_FIELDS}


def parse_path_or_url(target: str) -> dict:
    if target.startswith(("http://", "https://")):
        request = urllib.request.Request(target, headers={"User-Agent": "gov-report-crawler/0.1"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            content_type = response.headers.get("Content-Type")
            url = response.geturl()
        text, _ = decode_html(body, content_type)
        return _public(parse_html(text, url))
    path = Path(target)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {target}")
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        text, _ = decode_html(path.read_bytes())
        return _public(parse_html(text, str(path)))
    if suffix == ".txt":
        text, _ = decode_html(path.read_bytes(), "text/plain")
        return _public(parse_text(text, str(path)))
    raise ValueError(f"cannot parse {path.name}: unsupported file type {suffix or '(none)'}")
