"""One URL identity (crawler/urls.py): the canonical form every part of the crawl compares, and a
portal's domains."""
from __future__ import annotations

from scrapy import Request

from crawler import urls


def test_one_page_named_in_several_ways_has_one_identity():
    forms = ["http://www.x.gov.cn/show.jsp?year=2020&id=1#top", "http://www.x.gov.cn/show.jsp?id=1&year=2020",
             "http://WWW.X.GOV.CN/show.jsp?id=1&year=2020#", "http://www.x.gov.cn:80/show.jsp?id=1&year=2020"]
    assert {urls.canonical_url(f) for f in forms} == {"http://www.x.gov.cn/show.jsp?id=1&year=2020"}
    assert len({urls.seen_key(f) for f in forms}) == 1
    # gkmlpt links carry a fragment; a different path or value is another page
    assert urls.canonical_url("http://g.gov.cn/gkmlpt/content/1/1/post_1.html#2590") == \
        "http://g.gov.cn/gkmlpt/content/1/1/post_1.html"
    assert urls.seen_key("http://www.x.gov.cn/show.jsp?id=2") != urls.seen_key("http://www.x.gov.cn/show.jsp?id=1")


def test_seen_keys_are_16_bytes_and_tell_urls_apart():
    keys = {urls.seen_key(f"http://a.test/{n}.html") for n in range(10_000)}
    assert len(keys) == 10_000 and {len(k) for k in keys} == {16}


def test_request_fingerprints_follow_the_canonical_url():
    fingerprint = urls.CanonicalFingerprinter().fingerprint
    assert fingerprint(Request("http://a.test/s?b=2&a=1#x")) == fingerprint(Request("http://a.test/s?a=1&b=2"))
    assert fingerprint(Request("http://a.test/s", method="POST", body=b"page=2")) != \
        fingerprint(Request("http://a.test/s", method="POST", body=b"page=3"))


def test_a_portal_is_its_registered_domain_and_subdomains_whatever_the_port():
    assert urls.registered_domain("www.hgns.gov.cn") == "hgns.gov.cn"
    assert urls.registered_domain("xxgk.hd.gov.cn") == "hd.gov.cn"
    assert urls.registered_domain("127.0.0.1") == "127.0.0.1"
    domains = ["hgns.gov.cn"]
    assert urls.within("http://xxgk.hgns.gov.cn/col/1.html", domains)
    assert urls.within("http://www.hgns.gov.cn:8080/", domains)
    assert not urls.within("http://www.hegang.gov.cn/", domains)
    assert not urls.within("http://hgns.gov.cn.evil.com/", domains)
    assert urls.within("http://127.0.0.1:8765/x", ["127.0.0.1"])
    assert not urls.within("http://localhost:8765/x", ["127.0.0.1"])
