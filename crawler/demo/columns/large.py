"""A large generated demo portal set: N reports (5,000, 50,000 …) over several TRS portals.

Nothing is held per report: every listing page and every report page is generated
when it is requested, from its number alone. Report number n (0 ≤ n < N):
- belongs to portal `n * portals // N` + 1 (portals are numbered 01, 02 …), each a TRS
  column `/large/<pp>/xxgk/zfxxgknb/` with `per_page` links per listing page;
- is the seed report `n % 5` renamed to a generated place (unique per n), its table
  figures multiplied by `1 + n % 9` (so every part's totals still add up), published
  `n % 90` days after the seed, under `<yyyymm>/t<yyyymmdd>_<n>.html`.

`python -m crawler.demo.columns.large --reports 5000` serves it on loopback and prints
the base URL; the registry entries are in crawler/registry/demo_large.toml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from urllib.parse import urlsplit

from crawler.demo.columns.trs import TrsColumn
from crawler.demo.reports import DemoReport, seed_reports
from crawler.demo.site import DemoRequest, DemoResponse, Site, _conditional, html_response

PORTAL_COUNT = 10          # demo-large-01 … demo-large-10 in crawler/registry/demo_large.toml
PER_PAGE = 20              # links per listing page, as on most real TRS columns
URL_ROOT = "/large/"
COLUMN = "xxgk/zfxxgknb/"

# Three characters from these lists name a report's place: 42 × 40 × 41 = 68,880 distinct places.
_NAME_CHARS = (
    "东南西北中新长安永平兴和清宁山阳泰福德广华龙凤金云明光红白青松柏林丰庆通惠利民开宝乐",
    "江河湖海川岭峰泉石桥源溪田原坪湾岗台洲城堡庄集镇沟塘滩岩谷坡坝营屯寨铺店门关渡口",
    "一二三四五六七八九十上下前后左右东西南北大小中新老高里外内古旧金银铜铁水火木土春秋",
)
MAX_REPORTS = len(_NAME_CHARS[0]) * len(_NAME_CHARS[1]) * len(_NAME_CHARS[2])

# The place each seed report is about, and the kind of place a generated name takes from it.
_SEED_PLACES = {
    "nanshan-2020": ("南山区", "区"),
    "songling-2018": ("松岭区", "区"),
    "nanshan-2018": ("南山区", "区"),
    "nanchang-gxq-2018": ("南昌高新区", "高新区"),
    "tongjiang-2017": ("同江市", "市"),
}

# What real portal pages carry besides the report (tests/fixtures/real: 58-225 KB report pages,
# ~1,000 Word `style=` attributes, 100+ links): Word-pasted cell and paragraph markup in the body,
# and a site map of department links before the footer.
_WORD_TD = ('<td{attrs} style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt" valign="center">'
            '<p class="MsoNormal" align="center" style="text-align:center;line-height:20.0pt">'
            '<span style="font-family:仿宋_GB2312;font-size:12.0pt;mso-bidi-font-family:宋体">{text}</span></p></td>')
_WORD_P = ('<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt;mso-line-height-rule:exactly">'
           '<span style="font-family:仿宋_GB2312;font-size:16.0pt;mso-bidi-font-family:宋体">{text}</span></p>')
_DEPARTMENTS = ("发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
                "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局",
                "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局",
                "审计局", "市场监督管理局", "统计局", "医疗保障局", "信访局", "营商环境建设监督局")
_SITE_MAP = ('<div class="site-map"><h3>部门网站</h3><ul>' + "".join(
    f'<li><a href="/bm/{i:03d}/index.html" target="_blank" title="{town}{dept}">{town}{dept}</a></li>'
    for i, (town, dept) in enumerate((t, d) for t in ("", "区", "县", "经开区", "高新区") for d in _DEPARTMENTS))
    + '</ul></div>')
_TD = re.compile(r"<td([^>]*)>(.*?)</td>", re.S)
_P = re.compile(r"<p>(.*?)</p>", re.S)
_FIGURE_CELL = re.compile(r"(\s*[+-]?)(\d+)(\s*)")   # "+36" is a 本年增/减 cell
_REPORT_PATH = re.compile(r"(\d{6})/t(\d{8})_(\d+)\.html")
_LISTING_PATH = re.compile(r"index(?:_(\d+))?\.html")


def place_name(number: int) -> str:
    """The generated place name of report `number` (three characters, unique below MAX_REPORTS)."""
    first, second, third = _NAME_CHARS
    return (first[number % len(first)] + second[(number // len(first)) % len(second)]
            + third[(number // (len(first) * len(second))) % len(third)])


def figure_factor(number: int) -> int:
    """What every table figure of report `number` is multiplied by (1 … 9)."""
    return 1 + number % 9


def scale_figures(text: str, factor: int) -> str:
    """The seed text with every whole-number table cell multiplied by `factor`.

    Table cells are the TAB-led lines of seeds 000/001 and the `|`-separated cells of
    seeds 002/003; prose (years, dates, ordinals) is left alone.
    """
    lines = []
    for line in text.split("\n"):
        if line.startswith("\t") or "|" in line:
            line = "|".join(_scale_cell(cell, factor) for cell in line.split("|"))
        lines.append(line)
    return "\n".join(lines)


def _scale_cell(cell: str, factor: int) -> str:
    m = _FIGURE_CELL.fullmatch(cell)
    return f"{m[1]}{int(m[2]) * factor}{m[3]}" if m else cell


@cache
def _seeds() -> tuple[tuple[DemoReport, str], ...]:
    """The five seed reports with their body text, read once."""
    return tuple((report, report.body_text()) for report in seed_reports())


@dataclass(frozen=True)
class LargePortalSet:
    """`report_count` generated reports spread evenly over `portal_count` TRS portals."""

    report_count: int
    portal_count: int = PORTAL_COUNT
    per_page: int = PER_PAGE

    def __post_init__(self) -> None:
        if not 1 <= self.report_count <= MAX_REPORTS:
            raise ValueError(f"report_count must be 1 … {MAX_REPORTS}, not {self.report_count}")
        if not 1 <= self.portal_count <= min(99, self.report_count):
            raise ValueError(f"portal_count must be 1 … {min(99, self.report_count)}")

    # --- numbering ------------------------------------------------------------------------------
    def portal_id(self, portal_no: int) -> str:
        return f"demo-large-{portal_no:02d}"

    def numbers(self, portal_no: int) -> range:
        """The report numbers portal `portal_no` (1-based) publishes."""
        return range(-(-(portal_no - 1) * self.report_count // self.portal_count),
                     -(-portal_no * self.report_count // self.portal_count))

    def portal_of(self, number: int) -> int:
        return number * self.portal_count // self.report_count + 1

    def listing_page_count(self, portal_no: int) -> int:
        return max(1, -(-len(self.numbers(portal_no)) // self.per_page))

    def page_count(self) -> int:
        """Every page of the set: listing pages and report pages."""
        return self.report_count + sum(self.listing_page_count(p) for p in range(1, self.portal_count + 1))

    def column_prefix(self, portal_no: int) -> str:
        return f"{URL_ROOT}{portal_no:02d}/{COLUMN}"

    def start_path(self, portal_no: int) -> str:
        return self.column_prefix(portal_no) + "index.html"

    def report_path(self, number: int) -> str:
        return self.column_prefix(self.portal_of(number)) + self.report(number).path

    # --- content --------------------------------------------------------------------------------
    def report(self, number: int) -> DemoReport:
        """Report `number`: a seed report renamed, re-dated and with its figures scaled."""
        if not 0 <= number < self.report_count:
            raise IndexError(number)
        seed, seed_body = _seeds()[number % len(_seeds())]
        seed_place, kind = _SEED_PLACES[seed.slug]
        place = place_name(number) + kind
        published = date.fromisoformat(seed.published_on) + timedelta(days=number % 90)
        stamp = published.strftime("%Y%m%d")
        return replace(
            seed,
            slug=f"large-{number}",
            title=seed.title.replace(seed_place, place),
            # a publisher of its own: the data layer merges near-identical bodies of one publisher
            publisher=(seed.publisher.replace(seed_place, place) if seed_place in seed.publisher
                       else f"{place}人民政府办公室"),
            published_on=published.isoformat(),
            written_on=(published - timedelta(days=1)).isoformat() if seed.written_on else "",
            path=f"{stamp[:6]}/t{stamp}_{number}.html",
            index_no=f"LG{self.portal_of(number):02d}0000-{published.year}-{number:06d}",
            body_override=scale_figures(seed_body.replace(seed_place, place), figure_factor(number)),
        )

    def listing_html(self, portal_no: int, index: int) -> str:
        numbers = self.numbers(portal_no)[index * self.per_page:(index + 1) * self.per_page]
        page = _column().listing_html([self.report(n) for n in numbers], self.listing_page_count(portal_no), index)
        return _with_site_map(page)

    def report_html(self, number: int) -> str:
        return _report_page(self.report(number))

    # --- serving --------------------------------------------------------------------------------
    def response(self, path: str) -> DemoResponse | None:
        """The page at `path`, generated now; None when the set has no such page."""
        if not path.startswith(URL_ROOT):
            return None
        portal_part, _, rest = path[len(URL_ROOT):].partition("/")
        if not portal_part.isdigit() or not rest.startswith(COLUMN):
            return None
        portal_no, page = int(portal_part), rest[len(COLUMN):] or "index.html"
        if not 1 <= portal_no <= self.portal_count:
            return None
        listing = _LISTING_PATH.fullmatch(page)
        if listing:
            index = int(listing[1] or 0)
            if index >= self.listing_page_count(portal_no) or listing[1] == "0":
                return None
            return html_response(self.listing_html(portal_no, index))
        detail = _REPORT_PATH.fullmatch(page)
        if detail:
            number = int(detail[3])
            report = self.report(number) if number in self.numbers(portal_no) else None
            if report is not None and report.path == page:
                return html_response(_report_page(report), report.encoding,
                                     declare_in_header=report.encoding == "utf-8")
        return None


@cache
def _column() -> TrsColumn:
    """A TRS column used only for its page templates (mounted on a scratch site, empty)."""
    return TrsColumn(Site(), "/", [], per_page=PER_PAGE)


def _with_site_map(page: str) -> str:
    return page.replace('<div class="footer">', _SITE_MAP + '\n<div class="footer">', 1)


def word_markup(body_html: str) -> str:
    """A rendered body as Word pastes it into a CMS: styled cells and paragraphs, same text."""
    body_html = _TD.sub(lambda m: _WORD_TD.format(attrs=m[1], text=m[2]), body_html)
    return _P.sub(lambda m: _WORD_P.format(text=m[1]), body_html)


def _report_page(report: DemoReport) -> str:
    """The TRS report page of the demo column, its body in Word markup, with the site map."""
    page = _column().report_html(report)
    head, editor, rest = page.partition('<div class="TRS_Editor">')
    body, share, tail = rest.partition('<div class="share">')
    return _with_site_map(head + editor + word_markup(body) + share + tail)


class LargeSite(Site):
    """A `Site` that also serves a `LargePortalSet`, generating each of its pages on request.

    Hits are counted for listing pages only, so serving 50,000 reports keeps no per-report state.
    """

    def __init__(self, portal_set: LargePortalSet) -> None:
        super().__init__()
        self.portal_set = portal_set
        self.add("/robots.txt", DemoResponse(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}))

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> DemoResponse:
        path = urlsplit(target).path or "/"
        if path in self.routes or not path.startswith(URL_ROOT):
            return super().handle(method, target, headers, body)
        if path.endswith("/"):
            path += "index.html"
        response = self.portal_set.response(path)
        if response is None:
            return DemoResponse(404, b"<html><body><h1>404 Not Found</h1></body></html>",
                                {"Content-Type": "text/html; charset=utf-8"})
        if _LISTING_PATH.fullmatch(path.rsplit("/", 1)[-1]):
            self.hits[path] = self.hits.get(path, 0) + 1
        request = DemoRequest(method, path, {}, headers, body)
        return _conditional(request, response) if method in ("GET", "HEAD") else response


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys
    import threading

    from crawler.demo.server import DemoServer

    parser = argparse.ArgumentParser(prog="python -m crawler.demo.columns.large", description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=5000, help="how many reports (default 5000)")
    parser.add_argument("--portals", type=int, default=PORTAL_COUNT)
    parser.add_argument("--port", type=int, default=0, help="loopback port (0: any free port)")
    opts = parser.parse_args(argv)
    portal_set = LargePortalSet(opts.reports, opts.portals)
    with DemoServer(LargeSite(portal_set), port=opts.port) as server:
        print(server.base_url, flush=True)
        print(f"{opts.reports} reports on {opts.portals} portals, {portal_set.page_count()} pages; "
              f"crawl with -a province=大型演示 -s REPORTS_DEMO_URL={server.base_url}", file=sys.stderr, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
