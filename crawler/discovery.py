"""Discovery: from a portal's home page to its annual-report columns (年报栏目).

Pure functions over a response, plus the walk's bookkeeping (`DiscoveryWalk`); the spider issues
the requests. A walk goes best first: every in-site link is scored by its anchor text and URL
(政府信息公开年报 and `zfxxgknb` high, 政务公开 and `xxgk` lower, 政府工作报告 or 统计公报 not at
all), the best link not yet fetched is fetched next, within a request budget and a depth.

A page is an annual-report column when it is labelled as one (its column name, breadcrumb or
<title>) and has report links or more rows to ask for (a pager, a jpage proxy, an API), or when
its links are mostly annual reports. A page labelled 年报 with neither is an index of
sub-columns (per year, per department): its links are followed with a column's priority.
"""
from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy.http import Response

from crawler.extract.title import is_annual_report
from crawler.items import Column
from crawler.urls import within

# Anchor texts towards disclosure, best first (matched on the text without whitespace).
COLUMN_LABEL = re.compile(r"年度报告|年报")
NOT_A_REPORT_COLUMN = re.compile(r"政府工作报告|统计|企业年报|年报公示|年报信息|指南|公报|审计|预算|决算|规划|述职")
DEPARTMENT_LIST_LABEL = re.compile(
    r"部门(?:政府)?信息公开|部门公开|(?:乡镇|街道|镇街|乡镇[（(]街道[)）])(?:政府)?信息公开|^乡镇[（(]街道[)）]$|"
    r"^(?:乡镇|部门|县直部门|市直部门|区直部门|镇街)$")
DISCLOSURE_LABEL = re.compile(r"政府信息公开|信息公开|公开目录|主动公开")
GOVERNMENT_AFFAIRS_LABEL = re.compile(r"政务公开|政务服务与公开|政务")
# a department's or township's name, as the entries of a 部门信息公开 list print it
DEPARTMENT_NAME = re.compile(r"(?:局|委|办|办公室|委员会|中心|院|所|队|镇|乡|街道|街道办事处|办事处|管委会|"
                             r"公司|集团|站|馆|会|厅|署|部)$")
URL_COLUMN_HINT = re.compile(r"zfxxgknb|xxgknb|gknb|ndbg|ndgzbg|nianbao", re.I)
URL_DISCLOSURE_HINT = re.compile(r"zfxxgk|xxgk|zwgk|gkml|xxgkml|govinfo|gk/", re.I)
SKIPPED_HREF = re.compile(r"^(?:javascript:|mailto:|tel:|#)", re.I)
DOCUMENT_EXTENSION = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|zip|rar|jpe?g|png|gif)$", re.I)

SCORE_COLUMN = 100
SCORE_DEPARTMENT_LIST = 70
SCORE_DISCLOSURE = 60
SCORE_GOVERNMENT_AFFAIRS = 50
SCORE_DEPARTMENT = 40
SCORE_SUB_COLUMN = 90          # a link on a 年报 index page (a year, a department)
SCORE_URL_COLUMN_HINT = 60
SCORE_URL_DISCLOSURE_HINT = 20
MAX_NAV_TEXT = 20              # longer anchor texts are articles, not navigation
# anchor texts of documents, never of navigation: notices, plans, meetings
NOT_NAVIGATION = re.compile(r"^关于|通知|通报|要点|方案|会议|讲话|意见|决定|(?:19|20)\d{2}年")
CANDIDATES_NAMED = 5           # a failure row names this many of the best pages tried


@dataclass(frozen=True)
class NavLink:
    url: str
    text: str
    score: int
    department: str | None = None   # the department or township whose pages it leads into
    kind: str = "nav"               # nav | column | departments | department
    via: str | None = None          # the page it was found on


@dataclass(frozen=True)
class ColumnOutcome:
    """What one crawl of a column gave: its report links, or why it failed."""

    portal_id: str
    url: str
    family: str | None
    reports_seen: int
    error: str | None
    remembered: bool        # found by an earlier discovery (a failure then means: rediscover)


def compact(text: str) -> str:
    return "".join((text or "").split())


def is_column_label(text: str) -> bool:
    """A name of an annual-report column (政府信息公开年报, 年度报告, 部门年报…), not a report title
    (it has no year and no issuing body), not 政府工作报告, 统计年报, 企业年报 or 公开指南."""
    label = compact(text)
    return (bool(label) and len(label) <= MAX_NAV_TEXT and bool(COLUMN_LABEL.search(label))
            and not NOT_A_REPORT_COLUMN.search(label) and not is_annual_report(label)
            and not re.search(r"(?:19|20)\d{2}", label))


def score_link(text: str, url: str) -> tuple[int, str]:
    """How promising a link is for finding annual-report columns, and what it leads to:
    (0, "") for a link not worth a request."""
    label = compact(text)
    if (len(label) > MAX_NAV_TEXT or NOT_A_REPORT_COLUMN.search(label) or NOT_NAVIGATION.search(label)
            or is_annual_report(label)):
        return 0, ""
    path = urlsplit(url).path
    if DOCUMENT_EXTENSION.search(path):
        return 0, ""
    score, kind = 0, "nav"
    if is_column_label(label):
        score, kind = SCORE_COLUMN, "column"
    elif DEPARTMENT_LIST_LABEL.search(label):
        score, kind = SCORE_DEPARTMENT_LIST, "departments"
    elif DISCLOSURE_LABEL.search(label):
        score = SCORE_DISCLOSURE
    elif GOVERNMENT_AFFAIRS_LABEL.search(label):
        score = SCORE_GOVERNMENT_AFFAIRS
    if URL_COLUMN_HINT.search(path):
        score += SCORE_URL_COLUMN_HINT
    elif URL_DISCLOSURE_HINT.search(path) and score:
        score += SCORE_URL_DISCLOSURE_HINT
    return score, kind


def department_name(text: str) -> str | None:
    """The anchor text of an entry of a department or township list, when it names one."""
    label = compact(text)
    if 2 <= len(label) <= 20 and DEPARTMENT_NAME.search(label) and not DISCLOSURE_LABEL.search(label):
        return label
    return None


def is_government_platform(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host.endswith(".gov.cn") or host == "gov.cn"


def nav_links(response: Response, domains: list[str] | tuple[str, ...], department: str | None = None,
              lists_departments: bool = False, column_index: bool = False) -> list[NavLink]:
    """The links of a page worth following, scored. On a department or township list (the page a
    部门信息公开 link led to) the entries are departments; on a 年报 index page every in-site link
    is a sub-column (a year, a department)."""
    out: dict[str, NavLink] = {}
    for anchor in Selector(text=response.text).css("a[href]"):
        href = anchor.attrib["href"].strip()
        if not href or SKIPPED_HREF.match(href):
            continue
        url = urljoin(response.url, href).split("#")[0]
        if url.rstrip("/") == response.url.split("#")[0].rstrip("/") or not within(url, domains):
            continue
        text = (anchor.attrib.get("title") or "".join(anchor.css("::text").getall())).strip()
        score, kind = score_link(text, url)
        link_department = department
        if lists_departments and score == 0:
            name = department_name(text)
            if name:
                score, kind, link_department = SCORE_DEPARTMENT, "department", name
        if column_index and score == 0 and not is_annual_report(text) and len(compact(text)) <= MAX_NAV_TEXT:
            score, kind = SCORE_SUB_COLUMN, "column"
            link_department = department_name(text) or department
        if score and (url not in out or out[url].score < score):
            out[url] = NavLink(url, compact(text), score, link_department, kind, response.url)
    return sorted(out.values(), key=lambda link: -link.score)


def page_labels(response: Response) -> list[str]:
    """What a page calls itself: <meta name=ColumnName>, the breadcrumb's last step, the first
    part of <title>, the headline."""
    selector = Selector(text=response.text)
    labels = selector.xpath("//meta[@name='ColumnName' or @name='columnname']/@content").getall()
    for crumb in selector.css(".position, .crumb, .crumbs, .breadcrumb, .location, .dqwz, .bread, #position"):
        steps = [compact(t) for t in crumb.css("a::text, span::text, ::text").getall()]
        steps = [s for s in steps if s and s not in (">", "»", "/", "＞", "→")]
        if steps:
            labels.append(steps[-1].lstrip(">»＞→"))
    title = selector.xpath("//title/text()").get() or ""
    if title.strip():
        labels.append(re.split(r"\s*(?:_|\||｜|-|—)\s*", title.strip())[0])
    labels += selector.css("h1::text, h2::text, .column-name::text, .lmmc::text").getall()[:3]
    return [compact(label) for label in labels if compact(label)]


def is_labelled_column(response: Response) -> str | None:
    """The page's label when it names an annual-report column."""
    return next((label for label in page_labels(response) if is_column_label(label)), None)


def mostly_reports(report_links: int, links: int) -> bool:
    """A listing whose links are mostly annual reports (three at least)."""
    return report_links >= 3 and 2 * report_links >= links


def obstacle(response: Response) -> str | None:
    """What keeps discovery from reading a page: a login wall, or a JavaScript-only shell."""
    if not hasattr(response, "text"):
        return "not an HTML page"
    selector = Selector(text=response.text)
    anchors = [a for a in selector.css("a[href]") if not SKIPPED_HREF.match(a.attrib["href"].strip())]
    title = compact(selector.xpath("//title/text()").get() or "")
    if selector.css("input[type=password]") and (len(anchors) < 10 or "登录" in title):
        return "login wall (a password form and no navigation)"
    visible = compact(" ".join(selector.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
                               .getall()))
    scripts = selector.css("script")
    if len(anchors) < 3 and len(visible) < 200 and scripts:
        return "JavaScript-only page (no links and no text without running its scripts)"
    return None


def same_region(names: list[str], response: Response) -> bool:
    """Whether a page of another platform belongs to the portal's region: its <title> or its first
    lines name the portal's division (南山区, 鹤岗市…)."""
    selector = Selector(text=response.text)
    head = compact(selector.xpath("//title/text()").get() or "") + compact(
        " ".join(selector.xpath("//body//text()[not(ancestor::script)]").getall()[:200]))
    return any(name and name in head for name in names)


@dataclass
class DiscoveryWalk:
    """One portal's walk: the frontier (best score first), what was fetched, the columns found."""

    portal_id: str
    domains: list[str]
    budget: int
    max_depth: int
    home_url: str = ""
    spent: int = 0
    in_flight: int = 0
    columns: list[Column] = field(default_factory=list)
    tried: list[NavLink] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    finished: bool = False
    stopped_by: str | None = None   # why the home page could not be read (its failure row says so)
    _frontier: list = field(default_factory=list)
    _order: int = 0

    def offer(self, links: list[NavLink], depth: int) -> None:
        """Add a page's links, found at `depth`, to the frontier (a URL once per walk)."""
        if depth > self.max_depth:
            return
        for link in links:
            if link.url in self.seen:
                continue
            self.seen.add(link.url)
            self._order += 1
            heapq.heappush(self._frontier, (-link.score, depth, self._order, link))

    def take(self, concurrency: int) -> list[tuple[NavLink, int]]:
        """The next links to fetch, best first, within the budget and the walk's concurrency."""
        out = []
        while self._frontier and self.in_flight < concurrency and self.spent < self.budget:
            _, depth, _, link = heapq.heappop(self._frontier)
            self.spent += 1
            self.in_flight += 1
            self.tried.append(link)
            out.append((link, depth))
        return out

    def start(self, url: str) -> None:
        self.home_url = url
        self.seen.add(url)
        self.spent += 1
        self.in_flight += 1

    @property
    def exhausted(self) -> bool:
        return self.in_flight == 0 and (not self._frontier or self.spent >= self.budget)

    def has_column(self, url: str) -> bool:
        return any(column.url == url for column in self.columns)

    def failure_reason(self) -> str:
        best = sorted(self.tried, key=lambda link: -link.score)[:CANDIDATES_NAMED]
        named = "; ".join(f"{link.text or '(no text)'} {link.url}" for link in best)
        return (f"no 年报 column found within {self.spent} requests"
                + (f"; best candidates tried: {named}" if named else "; no link towards disclosure on the home page"))
