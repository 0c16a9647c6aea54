"""A tiny routing layer for the demo portal: paths map to handlers returning `DemoResponse`.

It also does what real portal web servers do for every page: ETag and
Last-Modified headers, and 304 answers to conditional requests.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit


@dataclass
class DemoRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8", "replace"))


@dataclass
class DemoResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None
    # fault injection (test-only): wait before answering; "reset" the connection instead of
    # answering; "truncate" the body (announce it whole, send half, close)
    delay: float = 0.0
    fault: str | None = None


Handler = Callable[[DemoRequest], DemoResponse]

FIXED_LAST_MODIFIED = datetime(2024, 1, 1, tzinfo=UTC)


def html_response(text: str, encoding: str = "utf-8", declare_in_header: bool = True,
                  last_modified: datetime | None = None) -> DemoResponse:
    """An HTML page; GBK pages declare their charset only in the <meta> tag, like many portals."""
    ctype = f"text/html; charset={encoding}" if declare_in_header else "text/html"
    return DemoResponse(200, text.encode(encoding), {"Content-Type": ctype},
                        last_modified or FIXED_LAST_MODIFIED)


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.patterns: list[tuple[re.Pattern, Handler]] = []
        self.hits: dict[str, int] = {}

    def add_pattern(self, pattern: str, handler: Handler) -> None:
        """A handler for every path matching the regular expression (generated pages)."""
        self.patterns.append((re.compile(pattern), handler))

    def add(self, path: str, handler: Handler | DemoResponse) -> None:
        if isinstance(handler, DemoResponse):
            fixed = handler
            handler = lambda _req: fixed  # noqa: E731
        self.routes[path] = handler

    def remove(self, path: str) -> None:
        self.routes.pop(path, None)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> DemoResponse:
        parts = urlsplit(target)
        path = parts.path or "/"
        self.hits[path] = self.hits.get(path, 0) + 1
        handler = self.routes.get(path)
        if handler is None and path.endswith("/"):
            handler = self.routes.get(path + "index.html")
        if handler is None:
            handler = next((h for rx, h in self.patterns if rx.fullmatch(path)), None)
        if handler is None:
            return DemoResponse(404, b"<html><body><h1>404 Not Found</h1></body></html>",
                                {"Content-Type": "text/html; charset=utf-8"})
        request = DemoRequest(method, path, parse_qs(parts.query), headers, body)
        response = handler(request)
        if response.status == 200 and method in ("GET", "HEAD") and response.fault is None:
            response = _conditional(request, response)
        return response


def _conditional(request: DemoRequest, response: DemoResponse) -> DemoResponse:
    etag = '"' + hashlib.sha1(response.body).hexdigest()[:16] + '"'
    headers = dict(response.headers)
    headers.setdefault("ETag", etag)
    if response.last_modified is not None:
        headers.setdefault("Last-Modified", format_datetime(response.last_modified, usegmt=True))
    if_none_match = request.headers.get("if-none-match")
    if_modified_since = request.headers.get("if-modified-since")
    not_modified = False
    if if_none_match is not None:
        not_modified = headers["ETag"] in [t.strip() for t in if_none_match.split(",")]
    elif if_modified_since and response.last_modified is not None:
        try:
            not_modified = response.last_modified <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            not_modified = False
    if not_modified:
        return replace(response, status=304, body=b"",
                       headers={k: v for k, v in headers.items() if k != "Content-Type"})
    return replace(response, headers=headers)
