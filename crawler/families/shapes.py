"""Detail-page URL shapes of the CMS products that government portals run: data (shapes.toml
beside this module), one row per shape, each with the real URLs it was read from
(../shared/corpus/real/report-urls.jsonl, copied to tests/fixtures/real/). The generic family
names the shapes it finds on a listing in its detection reason, and a listing link whose text is
cut short ('…2024年政府信息公开工…') with no title attribute counts as a report link when its URL
has one of these shapes.

A shape costs no family module: these portals' listings are plain HTML lists paged by 下一页 or
page numbers (the generic walker) or are Hanweb/TRS/gkmlpt listings whose families already
exist; what differs is only how their report URLs look.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from crawler.extract.title import is_annual_report, is_truncated_report_title

SHAPES_TOML = "shapes.toml"


@dataclass(frozen=True)
class DetailShape:
    name: str             # short id, used in detection reasons and tests
    cms: str              # the CMS product and the shape as a person would write it
    pattern: re.Pattern   # searched in the URL's path (and query, after '?')


def _load_shapes() -> tuple[DetailShape, ...]:
    """The shapes of shapes.toml, in its order (read as a package resource: also inside a zipped egg);
    its evidence URLs and notes are for readers and tests/test_shapes.py."""
    text = resources.files(__package__).joinpath(SHAPES_TOML).read_text(encoding="utf-8")
    return tuple(DetailShape(row["name"], row["cms"], re.compile(row["pattern"], re.I))
                 for row in tomllib.loads(text)["shape"])


DETAIL_URL_SHAPES: tuple[DetailShape, ...] = _load_shapes()


def detail_shape(url: str) -> DetailShape | None:
    """The first shape of DETAIL_URL_SHAPES that the URL's path (with its query) has, else None."""
    parts = urlsplit(url or "")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return next((shape for shape in DETAIL_URL_SHAPES if shape.pattern.search(target)), None)


def is_report_link(title: str, url: str) -> bool:
    """A listing link to a report: its title is a report title, or it is a report title cut short
    ('…') and the URL has a known detail shape."""
    return is_annual_report(title) or (is_truncated_report_title(title) and detail_shape(url) is not None)


def shapes_found(urls) -> str:
    """The detail shapes among the URLs, most links first: '6 hanweb-art-hex (Hanweb jcms
    /art/YYYY/art_<32 hex>.html)'; '' when none has a known shape."""
    counts: dict[DetailShape, int] = {}
    for url in urls:
        shape = detail_shape(url)
        if shape is not None:
            counts[shape] = counts.get(shape, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return ", ".join(f"{count} {shape.name} ({shape.cms})" for shape, count in ranked)
