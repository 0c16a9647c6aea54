"""Which hosts a report may come from: government portals, hosts a portal's entry or the user
trusts explicitly, and the loopback hosts the demo portal and the tests run on.

Government hosts are the names under `.gov.cn`, the second-level domain CNNIC reserves for
government bodies; 3,200 of the 3,208 portals of ../shared/data/portals.csv sit under it. The
other eight (an IP address, `www.pds.cn`, `xzbq.sooxz.com`, `www.gov.hk`, `www.gov.mo`, two typing
errors) are whitelisted per portal through `trusted_hosts`, not by a suffix rule: a suffix such
as `.cn` would let in the spam clones of real reports (../shared/corpus/real/report-urls.jsonl
lists five, on `.com` and `.cn` hosts).

Loopback hosts (127.0.0.0/8, `localhost`, `::1`) count as allowed because the bundled demo
portal and the test crawls are served there; no crawl of the internet reaches them.

Pure functions: no DNS lookup, no I/O.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

GOVERNMENT_SUFFIXES = (".gov.cn",)
LOCAL_HOST_NAMES = frozenset({"localhost"})


def normalise_host(host: str | None) -> str:
    """A host name as compared here: lower case, no trailing dot, no port, no IPv6 brackets.
    'WWW.Gov.CN.' -> 'www.gov.cn'; '[::1]' -> '::1'; 'www.gd.gov.cn:8080' -> 'www.gd.gov.cn';
    a URL gives its host ('http://www.pds.cn/' -> 'www.pds.cn'), so a registry may list either."""
    host = (host or "").strip().lower()
    if "://" in host:
        try:
            host = urlsplit(host).hostname or ""
        except ValueError:
            return ""
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def is_local_host(host: str | None) -> bool:
    """True for the loopback hosts the demo portal and the tests use: 127.0.0.0/8, ::1, localhost."""
    host = normalise_host(host)
    if host in LOCAL_HOST_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_government_host(host: str | None) -> bool:
    """True for a host under a government suffix (`*.gov.cn`, and `gov.cn` itself) and for the
    local test hosts; False for everything else, mirrors of government pages included."""
    host = normalise_host(host)
    if not host:
        return False
    if is_local_host(host):
        return True
    return any(host == suffix[1:] or host.endswith(suffix) for suffix in GOVERNMENT_SUFFIXES)


def is_trusted_host(host: str | None, trusted_hosts: tuple[str, ...] | list[str] = ()) -> bool:
    """True when the host equals one of trusted_hosts or is a subdomain of one
    ('xxgk.example.cn' is trusted by 'example.cn'; 'badexample.cn' is not)."""
    host = normalise_host(host)
    if not host:
        return False
    for trusted in trusted_hosts:
        trusted = normalise_host(trusted)
        if trusted and (host == trusted or host.endswith("." + trusted)):
            return True
    return False


def host_allowed(url: str | None, trusted_hosts: tuple[str, ...] | list[str] = ()) -> bool:
    """True when the URL's host is a government host (or a local test host) or a trusted one."""
    try:
        host = urlsplit(url or "").hostname
    except ValueError:          # a malformed URL, e.g. an unclosed IPv6 bracket
        return False
    return is_government_host(host) or is_trusted_host(host, trusted_hosts)
