"""`python -m crawler …`: the public commands (README.md, "Commands": their names are stable)."""
from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")

# Settings for a crawl of the loopback demo portal: no politeness delays against ourselves.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


class CommandError(Exception):
    """A failed command: its message names the cause; exit status 1."""


def _spider_args(pairs: list[str]) -> dict[str, str]:
    args = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise CommandError(f"spider argument {pair!r} is not NAME=VALUE")
        name, value = pair.split("=", 1)
        args[name] = value
    return args


def _crawl(spider_args: dict, settings: dict | None = None, progress: bool = False):
    """Run the reports spider through Scrapy's engine in this process; returns its finished crawler.
    What the crawl failed to start with (a bad argument, an unknown portal, no database) is raised."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.commands.errors import keep_error, reach_database

    project = get_project_settings()
    project.setdict(settings or {}, priority="cmdline")
    if progress:
        project.set("REPORTS_PROGRESS", True, "cmdline")
    reach_database(project.get("DATABASE_URL") or None)
    process = CrawlerProcess(project)
    crawler = process.create_crawler("reports")
    errors = keep_error(process.crawl(crawler, **spider_args))
    process.start()
    if errors:
        raise errors[0]
    return crawler


def run_crawl(spider_args: dict, settings: dict | None = None, progress: bool = False) -> dict:
    """Run the reports spider through Scrapy's engine in this process; returns the crawl stats."""
    return _crawl(spider_args, settings, progress).stats.get_stats()


def cmd_crawl(opts) -> int:
    from crawler.commands.errors import failed_crawl_line
    crawler = _crawl(_spider_args(opts.a), _spider_args(opts.s), progress=True)
    summary = failed_crawl_line(crawler)
    if summary:                                 # no report reached, failures recorded: cron must notice
        print(summary, file=sys.stderr)
        return 1
    return 0 if crawler.stats.get_value("finish_reason") == "finished" else 1


def cmd_enqueue(opts) -> int:
    """Seed the shared queue (REDIS_URL) with a crawl's start requests and return; workers crawl them."""
    settings = _spider_args(opts.s)
    if not (settings.get("REDIS_URL") or os.environ.get("REDIS_URL")):
        raise CommandError("enqueue needs REDIS_URL (the shared queue of a distributed crawl)")
    stats = run_crawl(_spider_args(opts.a), {**settings, "REPORTS_REDIS_ENQUEUE_ONLY": True, "ITEM_PIPELINES": {},
                                             "ROBOTSTXT_OBEY": False})
    print(f"{stats.get('scheduler/enqueued/redis', 0)} start requests queued", file=sys.stderr)
    return 0


def cmd_parse(opts) -> int:
    from crawler.parse_target import parse_path_or_url
    report = parse_path_or_url(opts.target)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def _registry_portals(province: str | None, prefecture: str | None = None, level: str | None = None,
                      portal_ids: list[str] | None = None):
    from crawler.registry import load_portals, select_portals
    portals = load_portals()
    if portal_ids or province or prefecture or level:
        return select_portals(portals, portal_ids, province, prefecture, level)
    return portals


def cmd_portals(opts) -> int:
    """Each portal with its remembered columns and its last crawl's outcome."""
    from pipelines.queries import portal_states, report_columns
    portals = _registry_portals(opts.province, opts.prefecture, opts.level)
    states = portal_states()
    columns: dict[str, list] = {}
    for column in report_columns([p.id for p in portals] if len(portals) < 1000 else None, active_only=True):
        columns.setdefault(column.portal_id, []).append(column)
    print("id\tname\tregion\tcode\tlevel\tfamily\tstatus\tcolumns\tlast crawl\tstart")
    for p in portals:
        region = "/".join(x for x in (p.province, p.prefecture, p.county) if x)
        state = states.get(p.id)
        status = (f"verified {state.last_success_at:%Y-%m-%d}" if state and state.last_success_at
                  else "verified" if p.verified else "unverified")
        last = (f"{state.last_crawl_at:%Y-%m-%d}: {state.last_outcome}" if state and state.last_crawl_at
                else "never crawled")
        start = p.start_url or (f"{p.home} (discovery)" if p.home else "-")
        print(f"{p.id}\t{p.name}\t{region}\t{p.division_code or '-'}\t{p.level}\t{p.family}\t{status}\t"
              f"{len(columns.get(p.id, []))}\t{last}\t{start}")
    return 0


def cmd_columns(opts) -> int:
    """The remembered annual-report columns."""
    from pipelines.queries import report_columns
    ids = None
    if opts.portal or opts.province:
        ids = [p.id for p in _registry_portals(opts.province, portal_ids=[opts.portal] if opts.portal else None)]
    print("portal\tfamily\tcolumn\tdepartment\tstate\tlast success\treports seen\tlast error\turl")
    for c in report_columns(ids):
        state = "active" if c.active else "failed: rediscover"
        print(f"{c.portal_id}\t{c.family or '-'}\t{c.title or '-'}\t{c.department or '-'}\t{state}\t"
              f"{f'{c.last_success_at:%Y-%m-%d %H:%M}' if c.last_success_at else '-'}\t{c.reports_seen}\t"
              f"{c.last_error or '-'}\t{c.url}")
    return 0


def cmd_discover(opts) -> int:
    """Discovery only: find and remember the annual-report columns; fetch no report."""
    from crawler.commands.errors import failed_crawl_line
    from pipelines.queries import report_columns
    args = _spider_args(opts.a)
    if opts.province:
        args["province"] = opts.province
    if not ({"site", "portal", "province", "prefecture", "level"} & set(args)):
        raise CommandError("discover needs -a site=HOME_URL[,…], -a portal=ID or --province P")
    crawler = _crawl({**args, "discover": "1"}, _spider_args(opts.s), progress=True)
    stats = crawler.stats.get_stats()
    found = stats.get("reports/discovery/columns", 0)
    print(f"discovery {stats.get('finish_reason')}: {stats.get('reports/discovery/portals', 0)} portal(s), "
          f"{stats.get('reports/discovery/requests', 0)} requests, {found} column(s) found, "
          f"{stats.get('reports/failures', 0)} failure(s)", file=sys.stderr)
    ids = sorted({key.split("/", 2)[2] for key in stats if key.startswith("reports/discovered/")})
    for column in report_columns(ids):
        if column.active:
            print(f"{column.portal_id}\t{column.family or '-'}\t{column.title or '-'}\t"
                  f"{column.department or '-'}\t{column.url}")
    summary = failed_crawl_line(crawler)       # no column found, failures recorded
    if summary:
        print(summary, file=sys.stderr)
        return 1
    return 0 if stats.get("finish_reason") == "finished" else 1


def _year_list(years) -> str:
    """Years as ranges: 2012–2015, 2018 (or -)."""
    years, out = sorted(years), []
    for year in years:
        if out and out[-1][1] == year - 1:
            out[-1][1] = year
        else:
            out.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in out) or "-"


def cmd_bodies(opts) -> int:
    from pipelines.queries import bodies
    found = bodies(opts.province)
    print("id\tname\tcanonical\tkind\tlevel\tregion\tcode\tyears found\tyears missing\tyear checks failed")
    for b in found:
        region = "/".join(x for x in (b.province, b.prefecture, b.county) if x) or "-"
        print(f"{b.id}\t{b.name}\t{b.canonical_name}\t{b.kind}\t{b.level or '-'}\t{region}\t{b.division_code or '-'}\t"
              f"{_year_list(b.found)}\t{_year_list(b.missing)}\t{b.year_checks}")
    return 0


def cmd_export(opts) -> int:
    from pipelines.export import export, export_panel
    if opts.panel:
        if opts.stats != "long":
            raise CommandError("--panel writes one row per body and year; --stats does not apply")
        written = export_panel(opts.format, opts.out, database_url=opts.database_url, province=opts.province,
                               since=opts.since, until=opts.until)
    else:
        written = export(opts.format, opts.out, database_url=opts.database_url, province=opts.province,
                         since=opts.since, until=opts.until, stats=opts.stats)
    for path, rows in written:
        print(f"{rows} rows -> {path}", file=sys.stderr)
    return 0


def cmd_report(opts) -> int:
    from crawler.coverage_page import cmd_report as write_coverage_report
    return write_coverage_report(opts)


def cmd_runs(opts) -> int:
    from pipelines.queries import last_runs
    print("run\tstarted\tfinished\tmode\tfetched\t304\tnew\tchanged\tduplicates\tfailures\tfinish\tportals")
    for r in last_runs(opts.limit):
        print(f"{r.id}\t{r.started_at:%Y-%m-%d %H:%M:%S}\t{r.finished_at or '-'}\t{r.mode}\t{r.pages_fetched}\t"
              f"{r.not_modified}\t{r.new_reports}\t{r.changed_reports}\t{r.duplicates}\t{r.failures}\t"
              f"{r.finish_reason or '-'}\t{r.portals}")
    return 0


def cmd_failures(opts) -> int:
    from pipelines.queries import run_failures
    print("url\tportal\tstatus\texception\tretries\treason")
    for f in run_failures(opts.run):
        print(f"{f.url}\t{f.portal_id or '-'}\t{f.status or '-'}\t{f.exception or '-'}\t{f.retries}\t{f.reason}")
    return 0


def cmd_demo(opts) -> int:
    from crawler.demo.portal import DemoPortal
    from crawler.demo.server import DemoServer
    from pipelines.queries import report_columns, stored_reports

    with DemoServer(DemoPortal().site, port=opts.port) as server:
        print(f"demo portal serving on {server.base_url}", file=sys.stderr)
        stats = run_crawl({"province": "演示"}, {**DEMO_SETTINGS, "REPORTS_DEMO_URL": server.base_url})
    reports = stored_reports()
    columns = [c for c in report_columns() if c.found_via]
    print(f"discovery: {stats.get('reports/discovery/portals', 0)} portal(s) walked from their home pages in "
          f"{stats.get('reports/discovery/requests', 0)} requests; {len(columns)} annual-report column(s) remembered:")
    for c in columns:
        print(f"  {c.portal_id}  {c.title or '-'}{f' ({c.department})' if c.department else ''}  "
              f"{c.family or '-'}  {c.url}")
    print(f"crawl {stats.get('finish_reason')}: {stats.get('response_received_count', 0)} pages fetched, "
          f"{stats.get('reports/stored/new', 0)} new, {stats.get('reports/stored/duplicate', 0)} reposts merged, "
          f"{stats.get('reports/failures', 0)} failures")
    print(f"the database holds {len(reports)} reports:")
    for r in reports:
        print(f"  {r.report_year or '----'}  {r.title}  [{r.publisher or '-'}; {r.published_on or '-'}; "
              f"{len(r.stats)} figures; {len(r.urls)} URL(s)]")
    return 0 if stats.get("finish_reason") == "finished" else 1


def _spider_options(parser: argparse.ArgumentParser, func, spider_help: str) -> None:
    """A command that runs the spider: -a spider arguments, -s Scrapy settings."""
    parser.add_argument("-a", action="append", metavar="NAME=VALUE", help=spider_help)
    parser.add_argument("-s", action="append", metavar="NAME=VALUE", help="Scrapy setting")
    parser.set_defaults(func=func)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crawler", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _spider_options(sub.add_parser("crawl", help="run the reports spider with a progress display"), cmd_crawl,
                    "spider argument (portal=, province=, prefecture=, level=, url=, site=, since=, until=, "
                    "mode=, rediscover=1, allow_hosts=)")
    _spider_options(sub.add_parser("enqueue", help="seed the shared Redis queue (REDIS_URL) with a crawl's "
                                                   "start requests"), cmd_enqueue, "spider argument, as for crawl")
    p = sub.add_parser("parse", help="extract one page or document and print the report JSON")
    p.add_argument("target", metavar="PATH_OR_URL")
    p.set_defaults(func=cmd_parse)
    p = sub.add_parser("export", help="write the stored reports")
    p.add_argument("--format", choices=("csv", "jsonl", "parquet"), required=True)
    p.add_argument("--out", required=True, help="file path; '-' is standard output (jsonl)")
    p.add_argument("--database-url", default=None)
    p.add_argument("--province", help="only reports of this province's registry portals (a prefix matches)")
    p.add_argument("--since", type=int, metavar="YEAR", help="only reports of this report year or later")
    p.add_argument("--until", type=int, metavar="YEAR", help="only reports of this report year or earlier")
    p.add_argument("--stats", choices=("long", "wide"), default="long",
                   help="csv/parquet statistics: one row per cell (long) or one row per report, "
                        "one column per standard cell (wide)")
    p.add_argument("--panel", action="store_true",
                   help="csv/parquet: one row per reporting body and report year, with the standard figures")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("report", help="write a self-contained HTML coverage report with charts")
    p.add_argument("--out", required=True, metavar="PATH.html")
    p.add_argument("--database-url", default=None)
    p.add_argument("--runs", type=int, default=10, help="how many of the latest runs to show")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("portals", help="list the portal registry, with columns and last crawl outcome")
    p.add_argument("--province", help="a prefix matches: 黑龙江 for 黑龙江省")
    p.add_argument("--prefecture")
    p.add_argument("--level", choices=("province", "prefecture", "county", "demo"))
    p.set_defaults(func=cmd_portals)
    p = sub.add_parser("columns", help="the remembered annual-report columns")
    p.add_argument("--portal", metavar="ID")
    p.add_argument("--province")
    p.set_defaults(func=cmd_columns)
    p = sub.add_parser("discover", help="find and remember annual-report columns from home pages; fetch no report")
    _spider_options(p, cmd_discover, "spider argument: site=HOME_URL[,…], portal=ID")
    p.add_argument("--province", help="every portal of a province")
    p = sub.add_parser("bodies", help="the reporting bodies, with the report years found and missing")
    p.add_argument("--province", help="only bodies of this province (a prefix matches)")
    p.set_defaults(func=cmd_bodies)
    p = sub.add_parser("runs", help="the last crawl runs")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_runs)
    p = sub.add_parser("failures", help="the failures of one run")
    p.add_argument("--run", type=int, required=True)
    p.set_defaults(func=cmd_failures)
    p = sub.add_parser("demo", help="serve the demo portal, crawl it into the database, print what was stored")
    p.add_argument("--port", type=int, default=8765, help="loopback port (0: any free port)")
    p.set_defaults(func=cmd_demo)
    return parser


def _database_url(opts) -> str | None:
    """The database URL a command was given (--database-url, -s DATABASE_URL=…); None: $DATABASE_URL
    or the default SQLite file."""
    settings = dict(pair.split("=", 1) for pair in getattr(opts, "s", None) or [] if "=" in pair)
    return getattr(opts, "database_url", None) or settings.get("DATABASE_URL")


def main(argv: list[str] | None = None) -> int:
    """Run one command. A failure the user can fix is one line `error: …` (exit 1): a bad argument,
    an unknown portal, a missing file, a database that cannot be reached; a bug keeps its traceback."""
    opts = build_parser().parse_args(argv)
    try:
        return opts.func(opts)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from crawler.commands.errors import error_line
        line = error_line(exc, _database_url(opts))
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 1
