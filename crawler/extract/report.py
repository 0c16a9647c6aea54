"""One report from one page or text: the composition of the pure extractors.

`report_from_html` and `report_from_text` return the report's public fields (items.REPORT_FIELDS)
plus `body_hash`; the `parse` command prints them and the parse pipeline puts
them on the item. Nothing here does I/O.
"""
from __future__ import annotations

import hashlib

from crawler.extract import body as body_mod
from crawler.extract.checks import check_stats
from crawler.extract.metadata import read_metadata, read_metadata_text
from crawler.extract.signature import read_signature
from crawler.extract.stats import extract_stats
from crawler.extract.tables import tables_from_html, tables_from_text
from crawler.extract.title import best_title, report_year, title_candidates, title_from_text


def body_hash(text: str) -> str:
    """Hash of the body text with all whitespace removed: page chrome and re-wrapping don't change it."""
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()


def _first_given(*values):
    """The first value that is neither None nor ''; a callable is called when reached (work
    that an earlier value makes unnecessary is not done)."""
    for value in values:
        if callable(value):
            value = value()
        if value not in (None, ""):
            return value
    return None


def complete_fields(fields: dict, text: str, tables: list) -> dict:
    """The fields read from the body itself: signature, report year, stats, checks, body hash."""
    signed_by, signed_on = read_signature(text)
    stats = extract_stats(text, tables)
    fields.update(
        signed_by=signed_by,
        written_on=_first_given(fields.get("written_on"), signed_on),
        report_year=report_year(fields.get("title"), text),
        body_text=text,
        stats=stats,
        checks=check_stats(stats, text),
        body_hash=body_hash(text),
    )
    return fields


def _parse_title(page, meta: dict, listing_meta: dict, listing_title: str | None) -> str | None:
    """The listing API's title, the header's 名称/标题 field, the page's headings, its <title>
    without the site name, the listing link's text: the first that is a report title, else the
    first at all (read lazily: nothing after a report title is computed)."""
    def candidates():
        yield listing_meta.get("title")
        yield meta.get("title")
        yield from title_candidates(page)
        yield listing_title
    return best_title(candidates())


def report_from_html(html: str, url: str, listing_title: str | None = None,
               listing_date: str | None = None, listing_meta: dict | None = None) -> dict:
    """A report page (HTML text already decoded) -> the report's fields. The page is parsed once;
    the body is cut from a copy of the tree (or read from the page itself when cutting it would
    change nothing), so header, title and links are read from the page as served."""
    page = body_mod.parse_tree(html)
    meta = read_metadata(page)
    listing_meta = listing_meta or {}
    body = body_mod.page_body_container(page)
    fields = {
        "url": url,
        "title": _parse_title(page, meta, listing_meta, listing_title),
        "index_no": _first_given(listing_meta.get("index_no"), meta.get("index_no")),
        "publisher": _first_given(listing_meta.get("publisher"), meta.get("publisher")),
        "published_on": _first_given(listing_meta.get("published_on"), meta.get("published_on"), listing_date),
        "written_on": _first_given(listing_meta.get("written_on"), meta.get("written_on")),
        "doc_no": _first_given(listing_meta.get("doc_no"), meta.get("doc_no")),
        "topic": _first_given(listing_meta.get("topic"), meta.get("topic")),
        "keywords": _first_given(listing_meta.get("keywords"), meta.get("keywords")),
        "validity": meta.get("validity"),
        "attachments": [{"url": a["url"], "name": a.get("name"), "media_type": None, "sha256": None}
                        for a in body_mod.attachment_links(page, url, body)],
    }
    string_values: dict = {}       # table cell -> its string value: read once for the text and the tables
    text = body_mod.html_to_text(body, string_values=string_values)
    return complete_fields(fields, text, tables_from_html(body, string_values))


def report_from_text(text: str, url: str) -> dict:
    """A report flattened to text (a converted document, or a page saved as text) -> its fields."""
    meta, rest = read_metadata_text(text)
    fields = {
        "url": url,
        "title": _first_given(meta.get("title"), title_from_text(rest)),
        **{k: meta.get(k) for k in ("index_no", "publisher", "published_on", "written_on", "doc_no",
                                     "topic", "keywords", "validity")},
        "attachments": [],
    }
    return complete_fields(fields, rest, tables_from_text(rest))
