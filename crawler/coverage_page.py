"""The coverage report as one self-contained HTML page: matplotlib charts inlined as SVG, tables beside them.

`render_page(coverage)` is pure: a `crawler.coverage.Coverage` in, the page's text out;
`write_report(out)` reads the figures from the database and writes the page. Nothing
on the page is fetched when it is viewed (no scripts, fonts or images from elsewhere). Every
count the page shows also sits in a `data-count` attribute of its table cell, so a reader (or a
test) can check the page against the database.
"""
from __future__ import annotations

import io
import logging
import sys
import warnings
from pathlib import Path

import jinja2
import matplotlib
import matplotlib.colors
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from crawler.coverage import LATEST_RUNS, OUTCOMES, Coverage, coverage_figures
from crawler.defaults import REPOST_SIMILARITY
from pipelines import db

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


# ---------------------------------------------------------------- the page

_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("crawler", "templates"), autoescape=True,
                                trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                undefined=jinja2.StrictUndefined)
AREA_COLUMNS = (("area-portals", "portals", "portals"), ("area-never", "never crawled", "never_crawled"),
                ("area-crawled", "crawled", "crawled"), ("area-with-reports", "with reports", "with_reports"),
                ("area-missing", "crawled, years missing", "with_years_missing"),
                ("area-reports", "reports", "reports"))


def year_ranges(years) -> str:
    """Years as ranges: 2012–2015, 2018."""
    years = sorted(years)
    out, start = [], None
    for i, year in enumerate(years):
        start = year if start is None else start
        if i + 1 == len(years) or years[i + 1] != year + 1:
            out.append(str(start) if start == year else f"{start}–{year}")
            start = None
    return ", ".join(out) or "—"


def _region(body) -> str:
    return "/".join(x for x in (body.province, body.prefecture, body.county) if x) or "—"


def _area_attrs(area) -> dict:
    return {"province": area.province, **({"prefecture": area.prefecture} if area.prefecture else {})}


_TEMPLATES.filters.update(year_ranges=year_ranges, region=_region)
_TEMPLATES.globals.update(area_attrs=_area_attrs, area_columns=AREA_COLUMNS)


def _svg_or_none(svg: str | None) -> Markup | None:
    return None if svg is None else Markup(svg)      # matplotlib's own SVG markup, inlined as is


def render_page(coverage: Coverage) -> str:
    """The whole coverage page (crawler/templates/coverage.html.jinja)."""
    c = coverage
    provinces = [a for a in c.areas if a.prefecture is None]
    drill = [(province, [a for a in c.areas if a.province == province.province and a.prefecture],
              [p for p in c.portals if p.province == province.province]) for province in provinces]
    summary = (("total-reports", "reports", c.total_reports),
               ("total-provinces", "provinces", len(c.provinces)),
               ("total-portals", "portals with reports", sum(1 for p in c.portals if p.reports)),
               ("reports-flagged", "reports with a failed check", c.reports_flagged),
               ("reports-without-year", "reports without a report year", c.reports_without_year))
    heatmap_rows = [(p, [(y, c.by_province_year.get((p, y), 0)) for y in c.years],
                     sum(c.by_province_year.get((p, y), 0) for y in c.years)) for p in c.provinces]
    charts = {"heatmap": heatmap_chart(c), "portals": portal_years_chart(c), "outcomes": outcomes_chart(c),
              "checks": checks_chart(c), "runs": runs_chart(c), "similarity": similarity_chart(c)}
    return _TEMPLATES.get_template("coverage.html.jinja").render(
        c=c, css=Markup(_CSS), summary=summary, span=f"{c.years[0]}–{c.years[-1]}" if c.years else "—",
        heatmap_rows=heatmap_rows, provinces=provinces, drill=drill,
        portals_with_reports=sum(1 for p in c.portals if p.reports), max_portal_rows=MAX_PORTAL_ROWS_IN_CHART,
        outcomes=OUTCOMES, copy_similarity=REPOST_SIMILARITY,
        copies=sum(1 for s in c.similarities or () if s >= REPOST_SIMILARITY),
        charts={name: _svg_or_none(svg) for name, svg in charts.items()})


# ---------------------------------------------------------------- the command

def write_report(out: str | Path, database_url: str | None = None, portals=None,
                 runs: int = LATEST_RUNS) -> Coverage:
    """Read the database of `database_url` and write the coverage page to `out`; returns its figures."""
    if portals is None:
        from crawler.registry import load_portals
        portals = load_portals()
    db.upgrade_schema(database_url)
    engine = db.make_engine(database_url)
    try:
        with db.session_factory(engine)() as session:
            db.link_reports(session)
        with db.session_factory(engine)() as session:
            coverage = coverage_figures(session, portals, runs)
    finally:
        engine.dispose()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_page(coverage), encoding="utf-8")
    return coverage


def cmd_report(opts) -> int:
    """`python -m crawler report --out PATH.html [--database-url URL] [--runs N]`."""
    coverage = write_report(opts.out, database_url=getattr(opts, "database_url", None),
                            runs=getattr(opts, "runs", None) or LATEST_RUNS)
    print(f"{coverage.total_reports} reports, {len(coverage.provinces)} provinces, "
          f"{len(coverage.portals)} portals -> {opts.out}", file=sys.stderr)
    return 0
