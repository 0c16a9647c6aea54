"""The names of reporting bodies: who a report is by, and one canonical spelling per body.

Pure functions; the alias data (crawler/registry/body_aliases.toml) is handed in as `Aliases`.
Names are data: the stored names stay exactly as printed; this module only builds the keys that
decide whether two printed names are the same body.

`canonical_name(name, region_names, year, aliases)` is the name without what varies between
spellings of one body:
- white space, full-width forms (NFKC) and a leading 关于 / trailing 的;
- the region prefix (福建省莆田市审计局 / 莆田审计局 → 审计局), given the names of the
  body's region (`region_names`, full and short: 莆田市, 莆田);
- abbreviations (市府办, 县府办, 区政府办 → 人民政府办公室) and the spellings of a government
  (政府 → 人民政府, 管委会 → 管理委员会), from the alias file;
- renames with their year (旅游局 → 文化和旅游局 for report years up to the rename's `until`).
A name that is only its region (the title 南山区2020年…) is that region's government (人民政府).

`title_subject(title)` is the body a report title names (南山区政府2018年度政府信息公开报告 →
南山区政府; 2018年松岭区政府信息公开工作年度报告 → 松岭区), or None.
`body_kind(canonical)` is government, office, township or department.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

GOVERNMENT = "人民政府"
KINDS = ("government", "office", "department", "township")
_LEVEL_WORD = re.compile(r"^[省市县区州旗盟](?=人民政府|政府|府办)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_REPORT_WORDS = re.compile(r"(?:(?:政府)?(?:信息公开|政务公开))?(?:工作)?(?:年度)?(?:报告|年报).*$")
_EDGE_WORDS = re.compile(r"^关于|的$")
_OFFICE = re.compile(r"办公室$|办$")
_TOWNSHIP = re.compile(r"(?:乡|镇|街道|街道办事处|苏木)(?:人民政府)?$")
_GOVERNMENT_NAMES = (GOVERNMENT, "管理委员会", "行政公署", "人民政府管理委员会")
# a name that is only a region's name (one the region data does not know, so it was not dropped)
_REGION_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,10}(?:省|市|县|区|旗|自治县|新区|开发区|实验区|地区)$")


@dataclass(frozen=True)
class Rename:
    old: str              # the name before the rename, without region (旅游局)
    new: str              # the name after it (文化和旅游局)
    until: int            # the last report year published under the old name


@dataclass(frozen=True, eq=False)      # hashed by identity: a cache key for the loaded files
class Aliases:
    abbreviations: dict[str, str] = field(default_factory=dict)   # 市府办 -> 市人民政府办公室
    prefixes: dict[str, str] = field(default_factory=dict)        # 政府 -> 人民政府 (at the start only)
    renames: tuple[Rename, ...] = ()
    region_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code -> names cpca lacks


def compact(name: str | None) -> str:
    """NFKC forms, no white space."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def canonical_name(name: str | None, region_names=(), year: int | None = None,
                   aliases: Aliases | None = None) -> str:
    """The key spelling of a body's name (see the module docstring); '' for no name."""
    aliases = aliases or Aliases()
    text = _EDGE_WORDS.sub("", compact(name))
    if not text:
        return ""
    # the region prefix, longest names first, repeatedly (福建省莆田市…)
    regions = sorted({compact(r) for r in region_names if r and len(compact(r)) >= 2}, key=len, reverse=True)
    stripped = True
    while stripped and text:
        stripped = False
        for region in regions:
            if text.startswith(region):
                text, stripped = text[len(region):], True
                break
    text = aliases.abbreviations.get(text, text)          # a whole name: 管委会办 but not 管委会办公室
    text = _LEVEL_WORD.sub("", text)
    for short, full in sorted(aliases.prefixes.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(short) and not text.startswith(full):
            text = full + text[len(short):]
            break
    if not text:
        text = GOVERNMENT
    for rename in aliases.renames:
        if text == rename.old and (year is None or year <= rename.until):
            text = rename.new
    return text


def title_subject(title: str | None) -> str | None:
    """The body a report's title names: the title without its year and its report words."""
    text = compact(title)
    if not text:
        return None
    text = _YEAR.sub("", text, count=1)
    text = _REPORT_WORDS.sub("", text)
    text = _EDGE_WORDS.sub("", text).strip("-_—:：()（）[]【】")
    return text if len(_CJK.findall(text)) >= 2 else None      # a file name or a number names no body


def body_kind(canonical: str) -> str:
    """government (人民政府, 管理委员会, 行政公署), office (…办公室, …办), township (乡, 镇, 街道),
    else department."""
    if _TOWNSHIP.search(canonical):
        return "township"
    if canonical in _GOVERNMENT_NAMES or _REGION_ONLY.match(canonical):
        return "government"
    if _OFFICE.search(canonical):
        return "office"
    return "department"
