"""A TRS WCM column: static `index.html`, `index_1.html` … with `createPageHTML(n, i, "index", "html")`,
detail pages under dated paths (`./202101/t20210125_123456.html`)."""
from __future__ import annotations

import html
from dataclasses import dataclass, replace

from crawler.demo.chrome import page
from crawler.demo.render import render_body_html
from crawler.demo.reports import DemoReport, metadata_table
from crawler.demo.site import Site, html_response


@dataclass
class Notice:
    """A non-report item of the column (it must be filtered out by title)."""
    title: str
    published_on: str
    path: str
    text: str


class TrsColumn:
    """The 政府信息公开年报 column of the demo county portal; mutable between crawls."""

    def __init__(self, site: Site, prefix: str, entries: list, per_page: int = 3):
        self.site = site
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"
        self.entries = list(entries)
        self.per_page = per_page
        self._mounted: list[str] = []
        self.mount()

    # --- changing the column between runs -------------------------------------------------------
    def add(self, entry) -> None:
        self.entries.insert(0, entry)
        self.mount()

    def revise(self, slug: str, body_text: str) -> None:
        self.entries = [replace(e, body_override=body_text) if getattr(e, "slug", None) == slug else e
                        for e in self.entries]
        self.mount()

    # --- pages ----------------------------------------------------------------------------------
    def page_count(self) -> int:
        return max(1, -(-len(self.entries) // self.per_page))

    def listing_path(self, index: int) -> str:
        return self.prefix + ("index.html" if index == 0 else f"index_{index}.html")

    def mount(self) -> None:
        for path in self._mounted:
            self.site.remove(path)
        self._mounted = []
        count = self.page_count()
        for i in range(count):
            chunk = self.entries[i * self.per_page:(i + 1) * self.per_page]
            self._add(self.listing_path(i), html_response(self.listing_html(chunk, count, i)))
        for entry in self.entries:
            if isinstance(entry, DemoReport):
                response = html_response(self.report_html(entry), entry.encoding,
                                         declare_in_header=entry.encoding == "utf-8")
            else:
                response = html_response(page(entry.title, f"<h1>{html.escape(entry.title)}</h1>"
                                                            f"<div id=\"zoom\"><p>{html.escape(entry.text)}</p></div>"))
            self._add(self.prefix + entry.path, response)

    def _add(self, path: str, response) -> None:
        self.site.add(path, response)
        self._mounted.append(path)

    def listing_html(self, chunk: list, count: int, index: int) -> str:
        items = "\n".join(
            f'<li><a href="./{e.path}" target="_blank" title="{html.escape(e.title)}">{html.escape(e.title)}</a>'
            f'<span class="date">{e.published_on}</span></li>' for e in chunk)
        pager = (f'<div class="page"><script type="text/javascript">\n'
                 f'var currentPage = {index};//所在页从0开始\nvar countPage = {count}//共多少页\n'
                 f'createPageHTML({count}, {index}, "index", "html");\n</script></div>')
        content = f'<div class="column-title">政府信息公开年报</div>\n<ul class="xxgk_list">\n{items}\n</ul>\n{pager}'
        return page("政府信息公开年报", content, breadcrumb="政府信息公开年报")

    def report_html(self, report: DemoReport) -> str:
        content = (f'{metadata_table(report)}\n<div class="article">'
                   f'<h1 class="article-title">{html.escape(report.title)}</h1>\n'
                   f'<div class="info">发布时间：{report.published_on}　来源：{html.escape(report.publisher)}</div>\n'
                   f'<div id="zoom"><div class="TRS_Editor">\n{render_body_html(report.body_text())}\n</div></div>\n'
                   f'<div class="share">【打印本页】【关闭窗口】</div></div>')
        return page(report.title, content, report.encoding, breadcrumb="政府信息公开年报")
