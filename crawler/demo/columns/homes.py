"""Demo portals reached from their home pages only, for discovery (issue 13).

`/site/nanshan/`: a county portal whose annual-report columns sit two and three clicks deep
(首页 → 政府信息公开 → 政府信息公开年报; 首页 → 政务公开 → 政府信息公开 → …), with department and
township columns under 部门信息公开 and 乡镇（街道）信息公开, a department without a 年报 column, and
distractors: 政府工作报告, 统计公报 / 统计年报, 企业年报, the 法定主动公开内容 list, the
政府信息公开指南, and a 政府信息公开 link to another host (never followed).

`/site/tongjiang/`: a portal whose 年报 column is a Hanweb jpage page claiming `totalRecord:0`,
its rows only from the jslib proxy; reached through 政务公开 → 信息公开目录.

Sites that discovery must give up on, each with its cause: `/site/locked/` (a login wall),
`/site/jsshell/` (a JavaScript-only home page), `/site/empty/` (no 年报 column anywhere),
`/site/moved/` (the home page redirects to another host).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from crawler.demo.columns.hanweb import HanwebColumn
from crawler.demo.columns.large import scale_figures
from crawler.demo.columns.trs import TrsColumn
from crawler.demo.reports import DemoReport, seed_reports
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

NANSHAN = "/site/nanshan/"
TONGJIANG = "/site/tongjiang/"
SEED_2020 = "001_3b10d53d6ce3f43f.txt"      # the 2020 report of 南山区 (2019 national format)


@dataclass(frozen=True)
class Department:
    slug: str
    name: str                 # as the 部门信息公开 list prints it
    publisher: str
    years: tuple[int, ...]    # the years of its reports; () = no 年报 column
    factor: int               # its figures are the seed's times this


DEPARTMENTS = (
    Department("jyj", "区教育局", "鹤岗市南山区教育局", (2020, 2019), 2),
    Department("czj", "区财政局", "鹤岗市南山区财政局", (2020,), 3),
    Department("wjj", "区卫生健康局", "鹤岗市南山区卫生健康局", (), 1),
)
TOWNSHIPS = (
    Department("txjd", "铁西街道", "鹤岗市南山区铁西街道办事处", (2020,), 4),
)


def site_page(site_name: str, root: str, title: str, content: str, breadcrumb: str = "") -> str:
    """A page of a demo home site: its own header and navigation, no link outside `root`."""
    crumb = f' &gt; <span>{html.escape(breadcrumb)}</span>' if breadcrumb else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}_{html.escape(site_name)}</title></head>
<body>
<div class="header"><div class="logo">{html.escape(site_name)}</div>
<ul class="nav"><li><a href="{root}index.html">首页</a></li><li><a href="{root}zwgk/index.html">政务公开</a></li>
<li><a href="{root}hdjl/index.html">互动交流</a></li><li><a href="{root}news/index.html">新闻动态</a></li></ul></div>
<div class="position">当前位置：<a href="{root}index.html">首页</a>{crumb}</div>
<div class="main">
{content}
</div>
<div class="footer"><p>主办：{html.escape(site_name)}办公室</p></div>
</body></html>
"""


def _links(items: list[tuple[str, str]]) -> str:
    return "<ul>" + "".join(f'<li><a href="{href}">{html.escape(text)}</a></li>' for text, href in items) + "</ul>"


def department_report(department: Department, year: int) -> DemoReport:
    """A department's report for `year`: the 2020 seed under the department's name, its figures
    scaled (another body, another publisher: never a repost of the seed)."""
    seed = next(r for r in seed_reports() if r.seed == SEED_2020)
    # its own body and signature: the data layer never merges two publishers' reports
    body = seed.body_text().replace("鹤岗市南山区人民政府", department.publisher).replace("2020年", f"{year}年")
    title = f"{department.publisher.removesuffix('办事处')}{year}年政府信息公开工作年度报告"
    stamp = f"{year + 1}0120"
    number = 600000 + year * 10 + department.factor
    return replace(seed, slug=f"{department.slug}-{year}", title=title, publisher=department.publisher,
                   published_on=f"{year + 1}-01-20", written_on=f"{year + 1}-01-19",
                   path=f"{stamp[:6]}/t{stamp}_{number}.html", index_no=f"DEMO-{department.slug}-{year}",
                   keywords="", body_override=scale_figures(body, department.factor))


class DemoHomes:
    """The home-page sites, with handles tests use to change them between crawls."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._nanshan(site)
        self._tongjiang(site)
        self._bad_sites(site)

    # --- 南山区 -------------------------------------------------------------------------------
    def _nanshan(self, site: Site) -> None:
        root, name = NANSHAN, "鹤岗市南山区人民政府（演示）"
        self.nanshan_name = name

        def add(path: str, title: str, content: str, breadcrumb: str = "") -> None:
            site.add(root + path, html_response(site_page(name, root, title, content, breadcrumb)))

        add("index.html", "首页", (
            '<div class="quick"><a href="zfxxgk/index.html">政府信息公开</a> '
            '<a href="zwgk/zfgzbg/index.html">政府工作报告</a> '
            '<a href="http://localhost:1/site/nanshan/zfxxgk/index.html">鹤岗市政府信息公开</a></div>'
            '<div class="news"><h3>新闻动态</h3>' + _links([
                ("南山区召开2024年安全生产工作会议", "news/t20240110_1.html"),
                ("南山区开展冬季供暖专项检查", "news/t20240108_2.html")]) + "</div>"))
        add("news/index.html", "新闻动态", _links([("南山区召开2024年安全生产工作会议", "t20240110_1.html")]),
            "新闻动态")
        add("news/t20240110_1.html", "南山区召开2024年安全生产工作会议",
            "<h1>南山区召开2024年安全生产工作会议</h1><p>会议内容。</p>")
        add("news/t20240108_2.html", "南山区开展冬季供暖专项检查",
            "<h1>南山区开展冬季供暖专项检查</h1><p>检查内容。</p>")
        add("hdjl/index.html", "互动交流", _links([("区长信箱", "xx.html"), ("在线访谈", "ft.html")]), "互动交流")
        add("zwgk/index.html", "政务公开", _links([
            ("政府信息公开", "../zfxxgk/index.html"), ("政府工作报告", "zfgzbg/index.html"),
            ("统计信息", "tjxx/index.html"), ("政策解读", "zcjd/index.html")]), "政务公开")
        add("zwgk/zfgzbg/index.html", "政府工作报告", _links([
            ("2021年南山区政府工作报告", "t20210115_1.html"), ("2020年南山区政府工作报告", "t20200116_2.html")]),
            "政府工作报告")
        for path, title in (("t20210115_1.html", "2021年南山区政府工作报告"),
                            ("t20200116_2.html", "2020年南山区政府工作报告")):
            add("zwgk/zfgzbg/" + path, title,
                f"<h1>{title}</h1><p>各位代表：现在，我代表区人民政府向大会报告工作。</p>")
        add("zwgk/tjxx/index.html", "统计信息", _links([
            ("南山区2020年国民经济和社会发展统计公报", "t20210301_1.html"),
            ("南山区2020年统计年报", "t20210302_2.html"), ("统计年报", "tjnb/index.html")]), "统计信息")
        add("zwgk/tjxx/tjnb/index.html", "统计年报", _links([("南山区2020年统计年报", "../t20210302_2.html"),
                                                           ("南山区2019年统计年报", "../t20200302_3.html")]),
            "统计年报")
        for path, title in (("t20210301_1.html", "南山区2020年国民经济和社会发展统计公报"),
                            ("t20210302_2.html", "南山区2020年统计年报"), ("t20200302_3.html", "南山区2019年统计年报")):
            add("zwgk/tjxx/" + path, title, f"<h1>{title}</h1><p>全区地区生产总值增长5.1%。</p>")
        add("zwgk/zcjd/index.html", "政策解读", _links([("一图读懂南山区2021年政府工作报告", "t1.html")]), "政策解读")
        add("zfxxgk/index.html", "政府信息公开", _links([
            ("政府信息公开指南", "zn/index.html"), ("政府信息公开制度", "zd/index.html"),
            ("法定主动公开内容", "fdzdgknr/index.html"), ("政府信息公开年报", "zfxxgknb/index.html"),
            ("部门信息公开", "bmxxgk/index.html"), ("乡镇（街道）信息公开", "xzxxgk/index.html"),
            ("企业年报公示", "qynb/index.html")]), "政府信息公开")
        add("zfxxgk/zn/index.html", "政府信息公开指南", (
            "<h1>南山区人民政府政府信息公开指南</h1><p>本机关每年1月31日前公布上一年度政府信息公开工作年度报告。</p>"),
            "政府信息公开指南")
        add("zfxxgk/zd/index.html", "政府信息公开制度", "<h1>政府信息公开制度</h1><p>制度内容。</p>",
            "政府信息公开制度")
        add("zfxxgk/fdzdgknr/index.html", "法定主动公开内容", _links([
            ("关于做好2021年政府信息公开工作年度报告编制工作的通知", "t20210105_1.html"),
            ("2021年南山区政府工作报告", "../../zwgk/zfgzbg/t20210115_1.html"),
            ("南山区2021年政务公开工作要点", "t20210310_2.html")]), "法定主动公开内容")
        add("zfxxgk/fdzdgknr/t20210105_1.html", "关于做好2021年政府信息公开工作年度报告编制工作的通知",
            "<h1>关于做好2021年政府信息公开工作年度报告编制工作的通知</h1><p>各部门：请按时报送年度报告。</p>")
        add("zfxxgk/fdzdgknr/t20210310_2.html", "南山区2021年政务公开工作要点",
            "<h1>南山区2021年政务公开工作要点</h1><p>要点内容。</p>")
        add("zfxxgk/qynb/index.html", "企业年报公示", _links([
            ("鹤岗市南山区某某煤业有限公司2020年度企业年报", "t20210601_1.html"),
            ("关于开展2020年度企业年报公示工作的通知", "t20210102_2.html")]), "企业年报公示")
        # the government's own column: the seed reports, TRS markup, two listing pages
        self.nanshan_column = TrsColumn(site, root + "zfxxgk/zfxxgknb/", seed_reports(), per_page=3)
        # departments and townships
        add("zfxxgk/bmxxgk/index.html", "部门信息公开",
            _links([(d.name, f"../../bm/{d.slug}/index.html") for d in DEPARTMENTS]), "部门信息公开")
        add("zfxxgk/xzxxgk/index.html", "乡镇（街道）信息公开",
            _links([(t.name, f"../../bm/{t.slug}/index.html") for t in TOWNSHIPS]), "乡镇（街道）信息公开")
        self.department_columns: dict[str, TrsColumn] = {}
        for department in DEPARTMENTS + TOWNSHIPS:
            self._department(site, root, name, department, "nb")

    def _department(self, site: Site, root: str, name: str, department: Department, column: str) -> None:
        base = f"{root}bm/{department.slug}/"
        items = [("法定主动公开内容", "fdzdgknr/index.html")]
        if department.years:
            items.append(("政府信息公开年报", f"{column}/index.html"))
        site.add(base + "index.html", html_response(site_page(
            name, root, department.name, f"<h2>{html.escape(department.publisher)}</h2>" + _links(items),
            department.name)))
        site.add(base + "fdzdgknr/index.html", html_response(site_page(
            name, root, "法定主动公开内容", _links([(f"{department.name}2021年工作计划", "t1.html")]),
            "法定主动公开内容")))
        if department.years:
            reports = [department_report(department, year) for year in department.years]
            self.department_columns[department.slug] = TrsColumn(site, f"{base}{column}/", reports, per_page=3)

    def department_reports(self) -> list[DemoReport]:
        return [department_report(d, y) for d in DEPARTMENTS + TOWNSHIPS for y in d.years]

    def move_department_column(self, slug: str, new_column: str = "ndbg") -> None:
        """The department's 年报 column moves: the old URLs answer 404, its page links the new one."""
        department = next(d for d in DEPARTMENTS + TOWNSHIPS if d.slug == slug)
        old = self.department_columns.pop(slug)
        for path in old._mounted:
            self.site.remove(path)
        self._department(self.site, NANSHAN, self.nanshan_name, department, new_column)

    # --- 同江市 -------------------------------------------------------------------------------
    def _tongjiang(self, site: Site) -> None:
        root, name = TONGJIANG, "同江市人民政府（演示）"

        def add(path: str, title: str, content: str, breadcrumb: str = "") -> None:
            site.add(root + path, html_response(site_page(name, root, title, content, breadcrumb)))

        add("index.html", "首页",
            '<div class="news">' + _links([("同江市召开经济工作会议", "news/t1.html")]) + "</div>")
        add("zwgk/index.html", "政务公开", _links([("信息公开目录", "xxgkml/index.html"),
                                                 ("政府工作报告", "zfgzbg/index.html")]), "政务公开")
        add("zwgk/zfgzbg/index.html", "政府工作报告", _links([("2021年同江市政府工作报告", "t1.html")]), "政府工作报告")
        self.tongjiang_column = HanwebColumn.zero_total(site, 4420)
        add("zwgk/xxgkml/index.html", "信息公开目录", _links([
            ("政府信息公开指南", "zn.html"), ("政府信息公开年度报告", self.tongjiang_column.listing_path)]),
            "信息公开目录")

    # --- sites discovery gives up on --------------------------------------------------------------
    def _bad_sites(self, site: Site) -> None:
        site.add("/site/locked/index.html", html_response(
            '<html><head><title>统一身份认证 登录</title></head><body><form action="login.do" method="post">'
            '<input name="user"><input type="password" name="pwd"><button>登录</button></form></body></html>'))
        site.add("/site/jsshell/index.html", html_response(
            '<html><head><title>门户</title><script src="/site/jsshell/app.js"></script></head>'
            '<body><div id="app"></div><script>fetch("/site/jsshell/api/nav").then(r => r.json())</script>'
            '</body></html>'))
        root, name = "/site/empty/", "某县人民政府（演示）"
        site.add(root + "index.html", html_response(site_page(name, root, "首页", _links([
            ("政府信息公开", "xxgk/index.html")]))))
        site.add(root + "zwgk/index.html", html_response(site_page(name, root, "政务公开", _links([
            ("政府工作报告", "zfgzbg.html")]), "政务公开")))
        site.add(root + "xxgk/index.html", html_response(site_page(name, root, "政府信息公开", _links([
            ("政府信息公开指南", "zn.html"), ("法定主动公开内容", "fd.html")]), "政府信息公开")))
        site.add(root + "xxgk/fd.html", html_response(site_page(name, root, "法定主动公开内容", _links([
            ("关于印发某县2021年政务公开工作要点的通知", "t1.html")]), "法定主动公开内容")))
        site.add("/site/moved/index.html", _redirect_to_localhost)


def _redirect_to_localhost(request: DemoRequest) -> DemoResponse:
    """A home page that moved to another host (here: `localhost` instead of 127.0.0.1)."""
    port = re.sub(r"^.*:", "", request.headers.get("host", "127.0.0.1:80"))
    return DemoResponse(301, b"", {"Location": f"http://localhost:{port}/site/nanshan/index.html",
                                   "Content-Type": "text/html"})


def department_columns_expected() -> dict[str, str | None]:
    """Column path (under the site) -> department, as discovery should find them."""
    out: dict[str, str | None] = {f"{NANSHAN}zfxxgk/zfxxgknb/index.html": None}
    for department in DEPARTMENTS + TOWNSHIPS:
        if department.years:
            out[f"{NANSHAN}bm/{department.slug}/nb/index.html"] = department.name
    return out
