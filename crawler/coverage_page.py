"""The coverage report as one self-contained HTML page: matplotlib charts inlined as SVG, tables beside them.

`render_page(coverage)` is pure: a `crawler.coverage.Coverage` in, the page's text out. Nothing
on the page is fetched when it is viewed (no scripts, fonts or images from elsewhere). Every
count the page shows also sits in a `data-count` attribute of its table cell, so a reader (or a
test) can check the page against the database.
"""
from __future__ import annotations

import io
import logging
import warnings
from html import escape

import matplotlib
import matplotlib.colors
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from crawler.coverage import OUTCOMES, Coverage
from crawler.defaults import REPOST_SIMILARITY

CJK_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei",
             "Microsoft YaHei", "DejaVu Sans"]
MAX_PORTAL_ROWS_IN_CHART = 60
_RC = {
    "svg.fonttype": "none",          # text stays text: the browser draws the Chinese labels
    "svg.hashsalt": "coverage",      # stable element ids: the same database gives the same page
    "font.family": "sans-serif",
    "font.sans-serif": CJK_FONTS,
    "font.size": 9,
}
_CSS = """
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       margin: 1.5em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: .85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
td[data-count], td.num { text-align: right; }
figure.chart { margin: .5em 0; } figure.chart svg { max-width: 100%; height: auto; }
.summary span { display: inline-block; margin-right: 2em; }
.note { color: #666; font-size: .85em; }
details { margin: .5em 0; }
"""


# ---------------------------------------------------------------- charts

def _svg(fig: Figure) -> str:
    """The figure as inline SVG markup (no XML prolog, no doctype)."""
    buffer = io.StringIO()
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with matplotlib.rc_context(_RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")         # glyphs missing from the measuring font
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(_RC):
        return Figure(figsize=(width, height), layout="constrained")


def heatmap_chart(coverage: Coverage) -> str | None:
    """Reports per province (rows) × report year (columns), the count written in each cell."""
    if not coverage.provinces or not coverage.years:
        return None
    grid = [[coverage.by_province_year.get((p, y), 0) for y in coverage.years] for p in coverage.provinces]
    with matplotlib.rc_context(_RC):
        fig = _figure(max(4.0, 0.55 * len(coverage.years) + 2.5), max(1.6, 0.35 * len(coverage.provinces) + 1.2))
        ax = fig.add_subplot()
        image = ax.imshow(grid, cmap="YlGnBu", aspect="auto", vmin=0)
        ax.set_xticks(range(len(coverage.years)), [str(y) for y in coverage.years], rotation=90)
        ax.set_yticks(range(len(coverage.provinces)), coverage.provinces)
        top = max(max(row) for row in grid) or 1
        for r, row in enumerate(grid):
            for c, count in enumerate(row):
                if count:
                    ax.text(c, r, str(count), ha="center", va="center",
                            color="white" if count > top / 2 else "black")
        ax.set_xlabel("report year")
        bar = fig.colorbar(image, ax=ax, label="reports", shrink=0.8)
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
        return _svg(fig)


def portal_years_chart(coverage: Coverage) -> str | None:
    """Per portal with reports, each year of the span: found (filled) or missing (empty)."""
    portals = [p for p in coverage.portals if p.reports][:MAX_PORTAL_ROWS_IN_CHART]
    if not portals or not coverage.years:
        return None
    grid = [[1 if y in p.found else 0 for y in coverage.years] for p in portals]
    with matplotlib.rc_context(_RC):
        fig = _figure(max(4.0, 0.45 * len(coverage.years) + 3.0), max(1.4, 0.28 * len(portals) + 1.0))
        ax = fig.add_subplot()
        ax.imshow(grid, cmap=matplotlib.colors.ListedColormap(["#f3d3d3", "#2b8cbe"]), vmin=0, vmax=1,
                  aspect="auto")
        ax.set_xticks(range(len(coverage.years)), [str(y) for y in coverage.years], rotation=90)
        ax.set_yticks(range(len(portals)), [p.portal_id for p in portals])
        ax.set_title("blue: a report of that year is stored; pink: missing", fontsize=8)
        return _svg(fig)


def _bar_chart(labels: list[str], values: list[int], xlabel: str, color: str) -> str:
    with matplotlib.rc_context(_RC):
        fig = _figure(6.5, max(1.4, 0.35 * len(labels) + 0.8))
        ax = fig.add_subplot()
        bars = ax.barh(range(len(labels)), values, color=color)
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.bar_label(bars, [str(v) for v in values], padding=2)
        ax.set_xlabel(xlabel)
        ax.set_xlim(0, (max(values) or 1) * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return _svg(fig)


def outcomes_chart(coverage: Coverage) -> str | None:
    if not coverage.total_reports:
        return None
    return _bar_chart(list(coverage.outcomes), list(coverage.outcomes.values()), "reports", "#41ab5d")


def checks_chart(coverage: Coverage) -> str | None:
    if not coverage.checks_by_rule:
        return None
    rules = list(coverage.checks_by_rule)
    return _bar_chart(rules, [coverage.checks_by_rule[r][1] for r in rules], "reports flagged", "#ef6548")


def runs_chart(coverage: Coverage) -> str | None:
    """New, changed reports and failures of the latest runs, oldest first."""
    runs = list(reversed(coverage.runs))
    if not runs:
        return None
    series = (("new reports", [r.new_reports for r in runs], "#2b8cbe"),
              ("changed", [r.changed_reports for r in runs], "#7bccc4"),
              ("failures", [r.failures for r in runs], "#ef6548"))
    with matplotlib.rc_context(_RC):
        fig = _figure(max(4.0, 0.6 * len(runs) + 2.0), 2.6)
        ax = fig.add_subplot()
        width = 0.27
        for k, (label, values, color) in enumerate(series):
            ax.bar([i + (k - 1) * width for i in range(len(runs))], values, width, label=label, color=color)
        ax.set_xticks(range(len(runs)), [f"run {r.id}" for r in runs], rotation=45)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
        return _svg(fig)


def similarity_chart(coverage: Coverage) -> str | None:
    """Histogram of each report's similarity to its publisher's previous-year report."""
    if not coverage.similarities:
        return None
    with matplotlib.rc_context(_RC):
        fig = _figure(6.0, 2.6)
        ax = fig.add_subplot()
        ax.hist(coverage.similarities, bins=[i / 20 for i in range(21)], color="#807dba", edgecolor="white")
        ax.set_xlim(0, 1)
        ax.set_xlabel("similarity to the same publisher's previous-year report (MinHash Jaccard)")
        ax.set_ylabel("reports")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        return _svg(fig)


# ---------------------------------------------------------------- markup

def _count(name: str, value: int, **attrs) -> str:
    extra = "".join(f' data-{k}="{escape(str(v))}"' for k, v in attrs.items())
    return f'<td data-count="{value}" data-name="{escape(name)}"{extra}>{value}</td>'


def _chart(chart_id: str, svg: str | None, empty: str) -> str:
    if svg is None:
        return f'<p class="note" id="{chart_id}-empty">{escape(empty)}</p>'
    return f'<figure class="chart" id="{chart_id}">{svg}</figure>'


def _years(years) -> str:
    """Years as ranges: 2012–2015, 2018."""
    years = sorted(years)
    out, start = [], None
    for i, year in enumerate(years):
        start = year if start is None else start
        if i + 1 == len(years) or years[i + 1] != year + 1:
            out.append(str(start) if start == year else f"{start}–{year}")
            start = None
    return ", ".join(out) or "—"


def _summary(c: Coverage) -> str:
    items = (("total-reports", "reports", c.total_reports),
             ("total-provinces", "provinces", len(c.provinces)),
             ("total-portals", "portals with reports", sum(1 for p in c.portals if p.reports)),
             ("reports-flagged", "reports with a failed check", c.reports_flagged),
             ("reports-without-year", "reports without a report year", c.reports_without_year))
    spans = "".join(f'<span>{escape(label)}: <b id="{i}" data-count="{n}">{n}</b></span>' for i, label, n in items)
    span = f"{c.years[0]}–{c.years[-1]}" if c.years else "—"
    return f'<p class="summary">{spans}<span>report years: {span}</span></p>'


def _heatmap_section(c: Coverage) -> str:
    head = "".join(f"<th>{y}</th>" for y in c.years)
    rows = "".join(
        f"<tr><th>{escape(p)}</th>"
        + "".join(_count("province-year", c.by_province_year.get((p, y), 0), province=p, year=y) for y in c.years)
        + _count("province-total", sum(c.by_province_year.get((p, y), 0) for y in c.years), province=p)
        + "</tr>" for p in c.provinces)
    return ("<section id=\"provinces\"><h2>Reports per province and report year</h2>"
            + _chart("chart-heatmap", heatmap_chart(c), "No report with a report year is stored yet.")
            + f'<details><summary>the figures</summary><table id="table-heatmap"><tr><th>province</th>{head}'
              f"<th>all years</th></tr>{rows}</table></details></section>")


AREA_COLUMNS = (("area-portals", "portals", "portals"), ("area-never", "never crawled", "never_crawled"),
                ("area-crawled", "crawled", "crawled"), ("area-with-reports", "with reports", "with_reports"),
                ("area-missing", "crawled, years missing", "with_years_missing"), ("area-reports", "reports", "reports"))


def _area_row(area, label: str) -> str:
    attrs = {"province": area.province, **({"prefecture": area.prefecture} if area.prefecture else {})}
    return (f"<tr><th>{escape(label)}</th>"
            + "".join(_count(name, getattr(area, field), **attrs) for name, _h, field in AREA_COLUMNS) + "</tr>")


def _portal_row(p) -> str:
    state = "never crawled" if not p.crawled else ("crawled, no report" if not p.reports else "crawled")
    return (f'<tr data-portal="{escape(p.portal_id)}" data-found="{" ".join(map(str, p.found))}" '
            f'data-missing="{" ".join(map(str, p.missing))}" data-crawled="{int(p.crawled)}">'
            f"<td>{escape(p.portal_id)}</td><td>{escape(p.name)}</td><td>{escape(p.prefecture or '')}</td>"
            f"<td>{state}</td>{_count('portal-reports', p.reports, portal=p.portal_id)}"
            f"<td>{_years(p.found)}</td><td>{_years(p.missing) if p.crawled else '—'}</td></tr>")


def _portals_section(c: Coverage) -> str:
    """Per province and prefecture, the portals never crawled apart from those crawled with years
    missing; a drill-down table per province lists its portals."""
    head = "".join(f"<th>{escape(h)}</th>" for _n, h, _f in AREA_COLUMNS)
    provinces = [a for a in c.areas if a.prefecture is None]
    summary = "".join(_area_row(a, a.province) for a in provinces)
    drill = []
    for province in provinces:
        prefectures = "".join(_area_row(a, a.prefecture) for a in c.areas
                              if a.province == province.province and a.prefecture)
        rows = "".join(_portal_row(p) for p in c.portals if p.province == province.province)
        drill.append(f'<details class="province" data-province="{escape(province.province)}"><summary>'
                     f"{escape(province.province)}: {province.crawled} of {province.portals} portals crawled, "
                     f"{province.reports} reports</summary>"
                     + (f"<table><tr><th>prefecture</th>{head}</tr>{prefectures}</table>" if prefectures else "")
                     + '<table class="portals"><tr><th>portal</th><th>name</th><th>prefecture</th><th>state</th>'
                       f"<th>reports</th><th>years found</th><th>years missing</th></tr>{rows}</table></details>")
    shown = (f"<p class=\"note\">The chart shows the first {MAX_PORTAL_ROWS_IN_CHART} portals with reports; "
             "the tables list them all.</p>" if sum(1 for p in c.portals if p.reports) > MAX_PORTAL_ROWS_IN_CHART
             else "")
    span = f"{c.years[0]}–{c.years[-1]}" if c.years else "—"
    return ("<section id=\"portals\"><h2>Portals: crawled, never crawled, years found and missing</h2>"
            f"<p class=\"note\">Missing: a year of the database's span ({span}) without a stored report, "
            "for portals a crawl has reached. Never crawled: no crawl has reached the portal yet.</p>"
            + _chart("chart-portals", portal_years_chart(c), "No portal has reports yet.") + shown
            + f'<table id="table-areas"><tr><th>province</th>{head}</tr>{summary}</table>'
            + "".join(drill) + "</section>")


def _outcomes_section(c: Coverage) -> str:
    rows = "".join(f"<tr><td>{escape(name)}</td>{_count('outcome', c.outcomes[name], outcome=name)}"
                   f"<td>{escape(meaning)}</td></tr>" for name, meaning in OUTCOMES.items())
    return ("<section id=\"outcomes\"><h2>Parse outcomes</h2>"
            + _chart("chart-outcomes", outcomes_chart(c), "No report is stored yet.")
            + f'<table id="table-outcomes"><tr><th>outcome</th><th>reports</th><th>meaning</th></tr>{rows}</table>'
              "</section>")


def _checks_section(c: Coverage) -> str:
    rows = "".join(f"<tr><td>{escape(rule)}</td>{_count('check-rows', n, rule=rule)}"
                   f"{_count('check-reports', reports, rule=rule)}</tr>"
                   for rule, (n, reports) in c.checks_by_rule.items())
    return ("<section id=\"checks\"><h2>Check failures by rule</h2>"
            "<p class=\"note\">Rules a report's own figures break (see docs/DATA_DICTIONARY.md).</p>"
            + _chart("chart-checks", checks_chart(c), "No report breaks a check rule.")
            + '<table id="table-checks"><tr><th>rule</th><th>failures</th><th>reports flagged</th></tr>'
              f"{rows}</table></section>")


def _runs_section(c: Coverage) -> str:
    rows = "".join(
        f'<tr data-run="{r.id}"><td>{r.id}</td><td>{r.started_at:%Y-%m-%d %H:%M}</td>'
        f"<td>{escape(r.mode)}</td><td>{escape(r.finish_reason or '—')}</td>"
        + "".join(_count(name, value, run=r.id) for name, value in (
            ("pages", r.pages_fetched), ("new", r.new_reports), ("changed", r.changed_reports),
            ("duplicates", r.duplicates), ("failures", r.failures)))
        + "<td>" + ("; ".join(f"{escape(reason)} ×{n}" for reason, n in r.failure_reasons) or "—") + "</td></tr>"
        for r in c.runs)
    return ("<section id=\"runs\"><h2>Latest runs and their failures</h2>"
            + _chart("chart-runs", runs_chart(c), "No crawl run is recorded yet.")
            + '<table id="table-runs"><tr><th>run</th><th>started (UTC)</th><th>mode</th><th>finish</th>'
              "<th>pages</th><th>new</th><th>changed</th><th>duplicates</th><th>failures</th>"
              f"<th>failure reasons</th></tr>{rows}</table></section>")


def _similarity_section(c: Coverage) -> str:
    if not c.similarities:
        body = '<p class="note" id="similarity-not-computed">Copy similarity: not computed.</p>'
    else:
        copies = sum(1 for s in c.similarities if s >= REPOST_SIMILARITY)
        body = (_chart("chart-similarity", similarity_chart(c), "")
                + f'<p>reports compared: <b id="similarity-reports" data-count="{len(c.similarities)}">'
                  f'{len(c.similarities)}</b>; at least {REPOST_SIMILARITY} alike (largely copied): '
                  f'<b id="similarity-copies" data-count="{copies}">{copies}</b></p>')
    return ("<section id=\"similarity\"><h2>Copy similarity to the previous year</h2>"
            + body + "</section>")


def _body_region(b) -> str:
    return escape("/".join(x for x in (b.province, b.prefecture, b.county) if x) or "—")


def _bodies_section(c: Coverage) -> str:
    rows = "".join(
        f'<tr data-body="{b.id}" data-found="{" ".join(map(str, b.found))}" '
        f'data-missing="{" ".join(map(str, b.missing))}"><td>{b.id}</td><td>{escape(b.name)}</td>'
        f"<td>{escape(b.kind)}</td><td>{_body_region(b)}</td><td>{escape(b.division_code or '—')}</td>"
        f"{_count('body-years', len(b.found), body=b.id)}<td>{_years(b.found)}</td>"
        f"{_count('body-missing', len(b.missing), body=b.id)}<td>{_years(b.missing)}</td></tr>"
        for b in c.bodies)
    return ("<section id=\"bodies\"><h2>Per reporting body: years found and missing</h2>"
            "<p class=\"note\">Missing: a year from the body's first report year to the database's latest "
            "without a report of the body. A body is a region and a canonical name (see "
            "<code>python -m crawler bodies</code>).</p>"
            + (f'<table id="table-bodies"><tr><th>body</th><th>name</th><th>kind</th><th>region</th><th>code</th>'
               f"<th>years</th><th>years found</th><th>missing</th><th>years missing</th></tr>{rows}</table>"
               if c.bodies else '<p class="note" id="bodies-empty">No report is linked to a body yet.</p>')
            + "</section>")


def _year_checks_section(c: Coverage) -> str:
    broken = [b for b in c.bodies if b.year_checks]
    rows = "".join(
        f'<tr data-body="{b.id}"><td>{b.id}</td><td>{escape(b.name)}</td><td>{_body_region(b)}</td>'
        f"{_count('body-year-checks', b.year_checks, body=b.id)}"
        f"<td>{escape(', '.join(f'{a}→{z}' for a, z in b.year_check_pairs))}</td></tr>" for b in broken)
    return ("<section id=\"year-checks\"><h2>Bodies whose reports contradict the year before</h2>"
            "<p class=\"note\">Checks <code>year.carry_over</code> and <code>year.normative_stock</code> "
            "(docs/DATA_DICTIONARY.md), on the later report of each pair.</p>"
            + (f'<table id="table-year-checks"><tr><th>body</th><th>name</th><th>region</th><th>failures</th>'
               f"<th>years (earlier→later)</th></tr>{rows}</table>" if broken
               else '<p class="note" id="year-checks-none">No body\'s reports break a year-over-year check.</p>')
            + "</section>")


def render_page(coverage: Coverage) -> str:
    """The whole coverage page."""
    sections = (_summary(coverage), _heatmap_section(coverage), _portals_section(coverage),
                _outcomes_section(coverage), _checks_section(coverage), _runs_section(coverage),
                _similarity_section(coverage), _bodies_section(coverage), _year_checks_section(coverage))
    page = ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<title>政府信息公开工作年度报告: coverage</title>"
            f"<style>{_CSS}</style></head><body><h1>Coverage of the annual-report database</h1>"
            f"<p class=\"note\">generated {coverage.generated_at:%Y-%m-%d %H:%M} UTC</p>"
            + "".join(sections) + "</body></html>\n")
    return page
