"""Detail-page URL shapes of the CMS products that government portals run: data, one row per
shape, each with the real URL it was read from (../shared/corpus/real/report-urls.jsonl, copied
to tests/fixtures/real/). The generic family names the shapes it finds on a listing in its
detection reason, and a listing link whose text is cut short ('…2024年政府信息公开工…') with no
title attribute counts as a report link when its URL has one of these shapes.

A shape costs no family module: these portals' listings are plain HTML lists paged by 下一页 or
page numbers (the generic walker) or are Hanweb/TRS/gkmlpt listings whose families already
exist; what differs is only how their report URLs look.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.extract.title import is_annual_report, is_truncated_report_title


@dataclass(frozen=True)
class DetailShape:
    name: str             # short id, used in detection reasons and tests
    cms: str              # the CMS product and the shape as a person would write it
    pattern: re.Pattern   # searched in the URL's path (and query, after '?')


def _shape(name: str, cms: str, pattern: str) -> DetailShape:
    return DetailShape(name, cms, re.compile(pattern, re.I))


DETAIL_URL_SHAPES: tuple[DetailShape, ...] = (
    # https://linxia.gov.cn/lxz/zwgk/zfxxgknb/2024/gxs/art/2025/art_22be474b31d140f9b43259d5fd6a4ad7.html
    # http://www.wuxing.gov.cn/xxgk/xxgknbbzlm266/art/2025/art_c3adb681a5194c23a37c711261924866.html
    _shape("hanweb-art-hex", "Hanweb jcms /art/YYYY/art_<32 hex>.html", r"/art/\d{4}/art_[0-9a-f]{32}\.html$"),
    # https://www.dafeng.gov.cn/art/2025/1/22/art_45469_4279894.html
    # http://www.jinan.gov.cn/art/2025/1/24/art_55714_14262.html
    _shape("hanweb-art-dated", "Hanweb jcms /art/YYYY/M/D/art_<col>_<id>.html",
           r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"),
    # http://www.gangu.gov.cn/info/2381/644672.htm ; https://www.ms.gov.cn/info/5069/1181086.htm
    _shape("vsb-info", "VSB/博达 /info/<col>/<id>.htm", r"/info/\d+/\d+\.htm$"),
    # https://www.pingli.gov.cn/Content-2793487.html
    _shape("content-id", "Shaanxi county CMS /Content-<id>.html", r"/Content-\d+\.html$"),
    # https://www.wxlx.gov.cn/doc/2025/01/20/4744862.shtml
    _shape("doc-dated", "Wuxi /doc/YYYY/MM/DD/<id>.shtml", r"/doc/\d{4}/\d{2}/\d{2}/\d+\.shtml$"),
    # http://www.zt.gov.cn/contents/6822/238168.html
    _shape("contents", "/contents/<col>/<id>.html", r"/contents/\d+/\d+\.html$"),
    # http://luoping.gov.cn/public/description/557325.html
    _shape("public-description", "Yunnan county disclosure platform /public/description/<id>.html",
           r"/public/description/\d+\.html$"),
    # no URL in report-urls.jsonl: the shape and markup (<ucaptitle>, <ucapcontent>, <publishtime>)
    # as issue 14 describes UCAP/开普 portals
    _shape("ucap-gknb", "UCAP/开普 /gknb/YYYYMM/<uuid>.shtml",
           r"/gknb/\d{6}/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\.shtml$"),
    # http://www.fuxian.gov.cn/zfxxgk/zfxxgknb/xj/1882251480800149505.html
    _shape("snowflake", "snowflake-id CMS /<18-19 digit id>.html", r"/\d{18,19}\.html$"),
    # https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/content/2/2590/post_2590436.html (a department sub-site)
    # https://www.gz.gov.cn/zfjgzy/gzsrmzfbgt/zfxxgknb/bm/2023n/content/post_9469010.html
    _shape("gkmlpt-post", "Guangdong gkmlpt / portal template content/[<a>/<b>/]post_<id>.html",
           r"/content/(?:\d+/\d+/)?post_\d+\.html$"),
    # http://js.changchun.gov.cn/szf_3410/ndbg/202501/t20250127_3378533.html and 12 more TRS URLs
    _shape("trs-dated", "TRS WCM /YYYYMM/tYYYYMMDD_<id>.html", r"/t\d{8}_\d+\.s?html?$"),
    # https://www.hsxzf.gov.cn/xxgk/xxgknb/2024n/hsxzf20231/wyll20231/content_66370
    _shape("content-underscore", "/content_<id> without extension", r"/content_\d+$"),
    # https://www.np.gov.cn/cms/html/npszf/2013-01-25/1779102018.html
    _shape("cms-html-dated", "/cms/html/<site>/YYYY-MM-DD/<id>.html", r"/cms/html/\w+/\d{4}-\d{2}-\d{2}/\d+\.html$"),
    # https://shanghai.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html
    _shape("shanghai-nw", "Shanghai /nwNNNNN/YYYYMMDD/<32 hex>.html", r"/nw\d+/\d{8}/[0-9a-f]{32}\.html$"),
    # http://aqxxgk.anqing.gov.cn/show.php?id=385009 (its page is no report: the title decides)
    _shape("show-php", "Anhui disclosure platform show.php?id=<id>", r"/show\.php\?id=\d+$"),
)


def detail_shape(url: str) -> DetailShape | None:
    """The first shape of DETAIL_URL_SHAPES that the URL's path (with its query) has, else None."""
    parts = urlsplit(url or "")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return next((shape for shape in DETAIL_URL_SHAPES if shape.pattern.search(target)), None)


def is_report_link(title: str, url: str) -> bool:
    """A listing link to a report: its title is a report title, or it is a report title cut short
    ('…') and the URL has a known detail shape."""
    return is_annual_report(title) or (is_truncated_report_title(title) and detail_shape(url) is not None)


def shapes_found(urls) -> str:
    """The detail shapes among the URLs, most links first: '6 hanweb-art-hex (Hanweb jcms
    /art/YYYY/art_<32 hex>.html)'; '' when none has a known shape."""
    counts: dict[DetailShape, int] = {}
    for url in urls:
        shape = detail_shape(url)
        if shape is not None:
            counts[shape] = counts.get(shape, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return ", ".join(f"{count} {shape.name} ({shape.cms})" for shape, count in ranked)
