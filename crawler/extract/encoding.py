"""Decoding page bytes: BOM, HTTP header, then <meta> (w3lib, which reads GB2312/GBK as
GB18030); when the declared charset is wrong (GBK bytes served as UTF-8) the text fills with
U+FFFD and charset-normalizer picks the encoding instead."""
from __future__ import annotations

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding) of an HTML page served with the given Content-Type header."""
    encoding, text = html_to_unicode(content_type or "", body)
    bad = text.count("\ufffd")
    if bad:
        best = from_bytes(body, cp_isolation=["utf_8", "gb18030", "big5"]).best()
        if best is not None and str(best).count("\ufffd") < bad:
            return str(best), best.encoding
    return text, encoding
