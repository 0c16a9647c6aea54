"""Which body a report is by: its region (GB/T 2260, cpca) and its canonical name, from the
alias data in body_aliases.toml (and $REPORTS_BODY_ALIASES, read after it).

`report_body(fields)` gives a `BodyIdentity` for a report's fields (title, publisher, signed_by,
its region as read at parse time, portal_id, report_year):
- the name is the body the title names (南山区2020年… → 南山区; 莆田市审计局2020年… →
  莆田市审计局), else the signature's body, else the page's 发布机构;
- the region is the one the name itself names (cpca, the report's region as context; a name
  that starts with a region of the alias file's `region_names` gets that code), else the
  report's;
- the key is (region code, canonical name): two reports are one body only when both agree.
  Without a region the key is scoped to the portal, without a portal to the report itself, so
  an unplaced 教育局 is never merged with another's.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from crawler.extract.names import Aliases, Rename, body_kind, canonical_name, compact, title_subject
from crawler.registry.region import region_from_text, report_region

ALIASES_FILE = "body_aliases.toml"
ALIASES_ENV = "REPORTS_BODY_ALIASES"
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "县", "区", "盟", "旗")


@dataclass(frozen=True)
class BodyIdentity:
    key: str                      # region code (or scope) | canonical name: equal keys, one body
    name: str                     # the name as printed where it was read
    canonical_name: str
    division_code: str | None
    province: str | None
    prefecture: str | None
    county: str | None
    level: str | None             # province, prefecture, county, township (from the code and the kind)
    kind: str                     # government, office, department, township


def _parse_aliases(data: dict, into: dict) -> None:
    into["abbreviations"].update(data.get("abbreviations", {}))
    into["prefixes"].update(data.get("prefixes", {}))
    for entry in data.get("rename", []):
        into["renames"][entry["old"]] = Rename(entry["old"], entry["new"], int(entry["until"]))
    for code, names in data.get("region_names", {}).items():
        into["region_names"][str(code)] = tuple(names)


@lru_cache(maxsize=4)
def load_aliases(extra: str | None = None) -> Aliases:
    """The package's alias file, then `extra` (default: $REPORTS_BODY_ALIASES) over it."""
    into = {"abbreviations": {}, "prefixes": {}, "renames": {}, "region_names": {}}
    text = resources.files(__package__).joinpath(ALIASES_FILE).read_text(encoding="utf-8")
    _parse_aliases(tomllib.loads(text), into)
    extra = extra if extra is not None else os.environ.get(ALIASES_ENV)
    if extra:
        try:
            _parse_aliases(tomllib.loads(Path(extra).read_text(encoding="utf-8")), into)
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{ALIASES_ENV}={extra}: cannot read the alias file: {exc}") from exc
    return Aliases(into["abbreviations"], into["prefixes"], tuple(into["renames"].values()),
                   into["region_names"])


def _short(name: str) -> str | None:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[:-len(suffix)]
    return None


def region_names(code: str | None, aliases: Aliases) -> tuple[str, ...]:
    """The names (full and short) of the region of `code` and the regions above it."""
    if not code:
        return ()
    from crawler.registry.region import _cpca
    addresses = _cpca().ad_2_addr_dict
    names: list[str] = list(aliases.region_names.get(code, ()))
    for prefix in {code[:2] + "0000", code[:4] + "00", code}:
        info = addresses.get(prefix + "000000")
        if info is not None:
            names += [info.name, *filter(None, [_short(info.name)])]
    return tuple(dict.fromkeys(names))


def level_of(code: str | None) -> str | None:
    if not code:
        return None
    return "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"


def _name_of(fields: dict) -> str | None:
    return title_subject(fields.get("title")) or fields.get("signed_by") or fields.get("publisher") or None


def _significant(code: str) -> str:
    """The digits of a code that name its region (35 for 福建省 350000, 3503 for 莆田市 350300)."""
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def _report_region(fields: dict):
    """(code, province, prefecture, county) of the report: as read at parse time, else from its
    publisher, signature and title."""
    if fields.get("division_code"):
        return fields["division_code"], fields.get("province"), fields.get("prefecture"), fields.get("county")
    region = report_region(fields.get("publisher"), fields.get("signed_by"), fields.get("title"))
    if region is None:
        return None, None, None, None
    return region.division_code, region.province, region.prefecture, region.county


@lru_cache(maxsize=8192)
def _region_of_name(name: str, report: tuple, aliases: Aliases):
    """(code, province, prefecture, county) of the body: the region its name names when that lies
    in the report's province (the report's region `report` as context), else the report's region.
    Remembered: a portal's reports repeat their names and regions."""
    plain = compact(name)
    for code, names in aliases.region_names.items():
        if any(plain.startswith(compact(n)) for n in names if len(compact(n)) >= 2):
            if not report[0] or report[0][:2] == code[:2]:
                return (code, *report[1:3], None) if report[0] != code else report
    context = " ".join(x for x in report[1:] if x)
    own = region_from_text(name, context)
    if own is None or (report[1] and own.province != report[1]):
        return report
    if report[0] and report[0].startswith(_significant(own.division_code)):
        return report            # the name names only the report's province or prefecture
    return own.division_code, own.province, own.prefecture, own.county


def report_body(fields: dict, aliases: Aliases | None = None) -> BodyIdentity | None:
    """The body a report is by, or None when the report names none (no title subject, signature
    or publisher)."""
    aliases = aliases or load_aliases()
    name = _name_of(fields)
    if not name:
        return None
    code, province, prefecture, county = _region_of_name(name.strip(), _report_region(fields), aliases)
    canonical = canonical_name(name, region_names(code, aliases), fields.get("report_year"), aliases)
    kind = body_kind(canonical)
    if code:
        scope = code
    elif fields.get("portal_id"):
        scope = f"portal:{fields['portal_id']}"
    else:
        scope = f"report:{fields.get('url')}"
    return BodyIdentity(key=f"{scope}|{canonical}", name=name.strip(), canonical_name=canonical,
                        division_code=code, province=province, prefecture=prefecture, county=county,
                        level="township" if kind == "township" else level_of(code), kind=kind)
