"""The portal registry: portals are data, not code.

The base is `portals.csv`: every province-, prefecture- and county-level people's government of
China (GB/T 2260 code, name, level, home page; provenance in portals.SOURCES.md). Its portals have
no known listing: a crawl finds their annual-report columns by discovery from the home page. The
hand-written TOML files (one per province) add what is known per portal and override the CSV row
of the same government: an entry whose division_code is a CSV row's and whose level or home host
agrees with it replaces that row (its id, family, listing URL and options win); any other entry
(a development zone, a national department, the demo) is a portal of its own.

Each entry: id, name, province, prefecture, county, division_code (GB/T 2260),
level (province|prefecture|county|department|demo), family (a module of
crawler.families, or "auto" to detect), start_url (a registered annual-report listing; empty:
discover from home_url), home_url (the portal's home page), allowed_domains, options
(family options), verified (a successful crawl has been seen).
"""
from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

CSV_NAME = "portals.csv"


@dataclass(frozen=True)
class Portal:
    id: str
    name: str
    province: str
    start_url: str = ""           # a registered annual-report listing; empty: found by discovery
    family: str = "auto"
    prefecture: str | None = None
    county: str | None = None
    division_code: str | None = None
    level: str = "county"
    allowed_domains: tuple[str, ...] = ()
    options: dict = field(default_factory=dict, hash=False, compare=False)
    verified: bool = False
    home_url: str = ""            # the portal's home page, where discovery starts

    def resolved(self, demo_url: str = "") -> Portal:
        """The entry with `{demo}` in its URLs replaced by the running demo portal's base URL."""
        if "{demo}" not in self.start_url + self.home_url:
            return self
        base = demo_url.rstrip("/")
        return replace(self, start_url=self.start_url.replace("{demo}", base),
                       home_url=self.home_url.replace("{demo}", base))

    @property
    def home(self) -> str:
        """Where discovery starts: the home page, else the root of the registered listing's site."""
        if self.home_url:
            return self.home_url
        parts = urlsplit(self.start_url)
        return f"{parts.scheme}://{parts.netloc}/" if parts.netloc else ""

    def domains(self) -> list[str]:
        """The hosts whose pages belong to the portal, for Scrapy's offsite check (a domain there
        also admits its subdomains): the registered domain of the home page and of the listing
        (xxgk.X.gov.cn belongs to X.gov.cn) and the entry's allowed_domains."""
        from crawler.urls import registered_domain
        hosts = {urlsplit(url).hostname for url in (self.start_url, self.home_url) if url}
        return sorted({*(self.allowed_domains or ()), *(registered_domain(h) for h in hosts if h)})


class RegistryError(ValueError):
    pass


def _registry_files(directory: Path | None):
    """The TOML files, from a directory or from the package's resources (also inside a zipped egg)."""
    if directory is not None:
        return sorted(directory.glob("*.toml"))
    return sorted((f for f in resources.files(__package__).iterdir() if f.name.endswith(".toml")),
                  key=lambda f: f.name)


def government_name(name: str) -> str:
    """The people's government of a division: 黑龙江省人民政府; a 地区 or 盟 is run by its 行政公署."""
    return f"{name}行政公署" if name.endswith(("地区", "盟")) else f"{name}人民政府"


def _csv_text(directory: Path | None) -> str:
    if directory is not None:
        path = directory / CSV_NAME
        return path.read_text(encoding="utf-8") if path.exists() else ""
    return resources.files(__package__).joinpath(CSV_NAME).read_text(encoding="utf-8")


def national_portals(csv_text: str) -> list[Portal]:
    """The portals of portals.csv: id = the GB/T 2260 code, province and prefecture by name."""
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    names = {row["code"]: row["name"] for row in rows}
    portals = []
    for row in rows:
        level = row["level"]
        prefecture = names.get(row["prefecture_code"]) if level != "province" else None
        portals.append(Portal(
            id=row["code"], name=government_name(row["name"]), province=names.get(row["province_code"], ""),
            prefecture=prefecture, county=row["name"] if level == "county" else None,
            division_code=row["code"], level=level, home_url=row["home_url"].strip()))
    return portals


def _overrides(entry: Portal, base: Portal) -> bool:
    """Whether a TOML entry is the CSV row's government (not a zone or department sharing its code)."""
    same_host = bool(entry.start_url or entry.home_url) and (
        _host(entry.home) == _host(base.home_url) or _host(entry.start_url) == _host(base.home_url))
    return entry.level == base.level or same_host


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def load_portals(directory: Path | None = None) -> list[Portal]:
    """Every portal: the CSV's, with the TOML entries overriding their rows, then the other TOML
    entries in file order."""
    if directory is None:
        return list(_packaged_portals())
    return _load(directory)


@lru_cache(maxsize=1)
def _packaged_portals() -> tuple[Portal, ...]:
    return tuple(_load(None))


def _load(directory: Path | None) -> list[Portal]:
    entries = _toml_portals(directory)
    base = national_portals(_csv_text(directory))
    by_code = {p.division_code: i for i, p in enumerate(base)}
    extra: list[Portal] = []
    for entry in entries:
        index = by_code.get(entry.division_code)
        if index is not None and _overrides(entry, base[index]):
            row = base[index]
            base[index] = replace(entry, home_url=entry.home_url or row.home_url)
        else:
            extra.append(entry)
    portals = base + extra
    ids = [p.id for p in portals]
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise RegistryError(f"duplicate portal id {duplicate!r}")
    return portals


def _toml_portals(directory: Path | None) -> list[Portal]:
    portals: list[Portal] = []
    seen: set[str] = set()
    for path in _registry_files(directory):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("portal", []):
            entry = dict(entry)
            entry["allowed_domains"] = tuple(entry.get("allowed_domains", ()))
            try:
                portal = Portal(**entry)
            except TypeError as exc:
                raise RegistryError(f"{path.name}: bad portal entry {entry.get('id')!r}: {exc}") from exc
            if portal.id in seen:
                raise RegistryError(f"{path.name}: duplicate portal id {portal.id!r}")
            seen.add(portal.id)
            portals.append(portal)
    return portals


def select_portals(portals: list[Portal], ids: list[str] | None = None, province: str | None = None,
                   prefecture: str | None = None, level: str | None = None) -> list[Portal]:
    """The entries named by id or GB/T 2260 code (in the given order), or every entry of a
    province (a prefix matches: 黑龙江 for 黑龙江省), narrowed by prefecture and level."""
    if ids:
        by_id = {p.id: p for p in portals}
        by_code = {p.division_code: p for p in reversed(portals) if p.division_code}
        unknown = [i for i in ids if i not in by_id and i not in by_code]
        if unknown:
            raise RegistryError(f"unknown portal id(s): {', '.join(unknown)} "
                                f"(see `python -m crawler portals`)")
        return [by_id.get(i) or by_code[i] for i in ids]
    if not (province or prefecture or level):
        return []
    chosen = [p for p in portals
              if (not province or p.province.startswith(province))
              and (not prefecture or (p.prefecture or "").startswith(prefecture))
              and (not level or p.level == level)]
    if not chosen:
        wanted = ", ".join(f"{k} {v!r}" for k, v in (("province", province), ("prefecture", prefecture),
                                                      ("level", level)) if v)
        raise RegistryError(f"no registered portal with {wanted}")
    return chosen
