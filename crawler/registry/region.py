"""The region of a portal no registry entry describes, read from its pages (publisher, signature,
footer) with `cpca`, the maintained address recogniser.

A county name that exists in several prefectures (南山区: 鹤岗市 and 深圳市) is decided by context:
the prefecture whose name (or short name, 鹤岗 for 鹤岗市) appears anywhere in the texts given.
Without such context cpca's own default stands.
"""
from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

_PREFECTURE_SUFFIX = re.compile(r"(?:市|地区|自治州|盟)$")
_COUNTY_RANK = 2


@dataclass(frozen=True)
class Region:
    province: str
    prefecture: str | None
    county: str | None
    division_code: str          # GB/T 2260 code of the smallest unit recognised


def region_from_text(*texts: str | None) -> Region | None:
    """The region named by the first text (in the order given, most specific first, e.g. publisher,
    then signature, then page text) in which cpca recognises a province; all texts are context."""
    context = " ".join(t for t in texts if t)
    umap = _ambiguous_counties_in_context(context)
    for text in texts:
        if text and text.strip():
            region = _recognise(text, umap)
            if region is not None:
                return region
    return None


def _recognise(text: str, umap: dict[str, str]) -> Region | None:
    return _recognise_cached(text, tuple(sorted(umap.items())))


@lru_cache(maxsize=4096)
def _recognise_cached(text: str, umap_items: tuple[tuple[str, str], ...]) -> Region | None:
    """cpca's answer for one text; a portal's reports repeat their publisher, signature and portal
    region, so answers are kept.

    `cpca.transform` wraps one `_get_one_addr` record per text in a pandas DataFrame (~2 ms a call,
    the largest per-report cost of a crawl after parsing); the record itself is read here. cpca is
    pinned (requirements.txt) and tests/test_region.py checks this against `transform`."""
    row = _cpca()._get_one_addr(text, False, dict(umap_items))
    province, prefecture, county, code = (_value(row[k]) for k in ("省", "市", "区", "adcode"))
    if not province or not code:
        return None
    return Region(province=province, prefecture=prefecture, county=county, division_code=str(code)[:6])


def _ambiguous_counties_in_context(context: str) -> dict[str, str]:
    """{county name: adcode} for each ambiguous county name of the context whose prefecture the
    context also names (cpca's `umap`)."""
    chosen: dict[str, str] = {}
    for name, candidates in _ambiguous_counties().items():
        if name not in context:
            continue
        for adcode, prefecture in candidates:
            short = _PREFECTURE_SUFFIX.sub("", prefecture)
            if prefecture in context or (len(short) >= 2 and short in context):
                chosen[name] = adcode
                break
    return chosen


@lru_cache(maxsize=1)
def _ambiguous_counties() -> dict[str, list[tuple[str, str]]]:
    """County names cpca knows in more than one prefecture, with (adcode, prefecture name) each."""
    addresses = _cpca().ad_2_addr_dict
    by_name: dict[str, list[tuple[str, str]]] = {}
    for adcode, info in addresses.items():
        if info.rank != _COUNTY_RANK:
            continue
        prefecture = addresses.get(adcode[:4] + "00000000")
        by_name.setdefault(info.name, []).append((info.adcode, prefecture.name if prefecture else ""))
    return {name: found for name, found in by_name.items() if len(found) > 1}


@lru_cache(maxsize=1)
def _cpca():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca
    return cpca


def _value(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def report_region(publisher: str | None, signed_by: str | None, title: str | None,
                  portal_region: str | None = None) -> Region | None:
    """The region a report is about: read from who published and signed it and from its title;
    the registry portal's own region (province prefecture county) is context and fallback."""
    return region_from_text(publisher, signed_by, title, portal_region)
