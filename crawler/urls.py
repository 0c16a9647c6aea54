"""One URL identity for the whole crawl.

`canonical_url` is the form every part compares: the spider's seen set and its lookup of pages
known from earlier runs, the request fingerprints (so scrapy-redis's shared dupefilter too), the
dedupe pipeline and the store's URL rows. It is w3lib's `canonicalize_url` without the fragment:
query arguments sorted, percent-escapes normalised, `#…` dropped (gkmlpt report links carry one),
the scheme's default port dropped.
`seen_key` is the 16-byte digest a crawl remembers per URL instead of the URL itself.

Also the host rules of a portal: its registered domain (hgns.gov.cn for xxgk.hgns.gov.cn) and
whether a URL lies on one of a portal's domains.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The URL's identity: `show.jsp?year=2020&id=1#top` and `show.jsp?id=1&year=2020` are one;
    so are a host in capitals and one with its scheme's default port."""
    canonical = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(canonical)
    if parts.port is not None and parts.port == _DEFAULT_PORTS.get(parts.scheme):
        canonical = parts._replace(netloc=parts.netloc.rsplit(":", 1)[0]).geturl()
    return canonical


def seen_key(url: str) -> bytes:
    """What a crawl remembers of a URL it has seen: a 16-byte digest of its canonical form (a
    49-byte object instead of a ~120-byte string; a national backfill remembers millions).
    Collisions are negligible (2**-64 at a billion URLs)."""
    return hashlib.blake2b(canonical_url(url).encode("utf-8"), digest_size=16).digest()


class CanonicalFingerprinter:
    """Scrapy's REQUEST_FINGERPRINTER_CLASS: a request's identity is its method, canonical URL and
    body, so the dupefilter (scrapy-redis's shared one in distributed mode) agrees with the rest."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def fingerprint(self, request) -> bytes:
        digest = hashlib.sha1(request.method.encode("ascii"))
        digest.update(canonical_url(request.url).encode("utf-8"))
        digest.update(request.body or b"")
        return digest.digest()


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str:
    """The domain a portal owns: hgns.gov.cn for www.hgns.gov.cn and xxgk.hgns.gov.cn (public
    suffix list as tldextract ships it, never fetched); an IP address or a bare name stays as is."""
    return _tld_extractor()(host).top_domain_under_public_suffix or host


@lru_cache(maxsize=1)
def _tld_extractor():
    import tldextract
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def within(url: str, domains: list[str] | tuple[str, ...]) -> bool:
    """Whether a URL's host is one of the domains or a subdomain of one (Scrapy's offsite rule,
    on the host name: a port does not make another site)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in (d.lower().lstrip(".") for d in domains))
