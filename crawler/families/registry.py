"""Family lookup by name, and the order in which detection tries them: the families with the
most specific markers first, generic (any page with links) last."""
from __future__ import annotations

from crawler.families.base import Family
from crawler.families.generic import GenericFamily
from crawler.families.gkmlpt import GkmlptFamily
from crawler.families.hanweb import HanwebFamily
from crawler.families.nfra import NfraFamily
from crawler.families.trs import TrsFamily

FAMILIES: dict[str, type[Family]] = {
    cls.name: cls for cls in (NfraFamily, GkmlptFamily, HanwebFamily, TrsFamily, GenericFamily)
}


def family_class(name: str) -> type[Family]:
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown page family {name!r}; known: {', '.join(sorted(FAMILIES))}") from None
