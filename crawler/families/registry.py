"""Family lookup by name, and the order in which detection tries them."""
from __future__ import annotations

from crawler.families.base import Family
from crawler.families.trs import TrsFamily

FAMILIES: dict[str, type[Family]] = {cls.name: cls for cls in (TrsFamily,)}


def family_class(name: str) -> type[Family]:
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown page family {name!r}; known: {', '.join(sorted(FAMILIES))}") from None
