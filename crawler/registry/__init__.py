"""The portal registry: portals are data (one TOML file per province), not code.

Each entry: id, name, province, prefecture, county, division_code (GB/T 2260),
level (province|prefecture|county|department|demo), family (a module of
crawler.families, or "auto" to detect), start_url, allowed_domains, options
(family options), verified (a successful crawl has been seen).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Portal:
    id: str
    name: str
    province: str
    start_url: str
    family: str = "auto"
    prefecture: str | None = None
    county: str | None = None
    division_code: str | None = None
    level: str = "county"
    allowed_domains: tuple[str, ...] = ()
    options: dict = field(default_factory=dict, hash=False, compare=False)
    verified: bool = False

    def resolved(self, demo_url: str = "") -> "Portal":
        """The entry with `{demo}` in its start URL replaced by the running demo portal's base URL."""
        if "{demo}" not in self.start_url:
            return self
        from dataclasses import replace
        return replace(self, start_url=self.start_url.replace("{demo}", demo_url.rstrip("/")))

    def domains(self) -> list[str]:
        host = urlsplit(self.start_url).hostname
        return sorted({*(self.allowed_domains or ()), *([host] if host else [])})


class RegistryError(ValueError):
    pass


def _registry_files(directory: Path | None):
    """The TOML files, from a directory or from the package's resources (also inside a zipped egg)."""
    if directory is not None:
        return sorted(directory.glob("*.toml"))
    return sorted((f for f in resources.files(__package__).iterdir() if f.name.endswith(".toml")),
                  key=lambda f: f.name)


def load_portals(directory: Path | None = None) -> list[Portal]:
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


def select_portals(portals: list[Portal], ids: list[str] | None = None,
                   province: str | None = None) -> list[Portal]:
    """The entries named by id (in the given order), or every entry of a province."""
    if ids:
        by_id = {p.id: p for p in portals}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise RegistryError(f"unknown portal id(s): {', '.join(unknown)} "
                                f"(see `python -m crawler portals`)")
        return [by_id[i] for i in ids]
    if province:
        chosen = [p for p in portals if p.province == province or p.province.startswith(province)]
        if not chosen:
            raise RegistryError(f"no registered portal in province {province!r}")
        return chosen
    return []
