"""`make bench`: how fast and how lean the crawler is, measured on this machine in one run.

Prints:
1. Scrapy's own limit: `scrapy bench` pages/s (its built-in local server and link-following spider);
2. the full pipeline's pages/s (fetch → parse → validate → dedupe → store) crawling the large
   generated demo portal set (5,000 reports, crawler/demo/columns/large.py) into SQLite, and into
   PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL names a server (the bench creates and
   uses its own database `<name>_bench` there); the ratio to (1), each measured right after its
   own `scrapy bench`, in --pairs pairs (best and worst printed);
3. parse time per report page outside Scrapy (decode + report_from_html), median and p95 of the CPU time
   (process_time: the figure is per core), best of --rounds rounds, pages/s per core;
4. the crawler process's peak RSS at 5,000 reports, and at 50,000 with --with-50k (about 20 minutes
   at the measured rate, hence optional), and their ratio.
Targets (issue 8): ratio ≥ 0.6, parse ≥ 200 pages/s per core, peak RSS < 400 MB, 50,000 ≤ 1.2 × 5,000.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
CRAWL_SETTINGS = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
                  "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": "0"}


def scrapy_bench(seconds: int) -> float:
    """Pages/s of `scrapy bench` (run outside the project, so with Scrapy's default settings)."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    proc = subprocess.run([PYTHON, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                           "-s", "LOGSTATS_INTERVAL=1"], cwd=tempfile.gettempdir(), env=env,
                          capture_output=True, text=True, timeout=seconds + 60)
    pages = int(re.search(r"'response_received_count': (\d+)", proc.stderr)[1])
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", proc.stderr)[1])
    return pages / elapsed


def serve_large(reports: int) -> tuple[subprocess.Popen, str]:
    """The large demo portal set in its own process (so its CPU and memory are not the crawler's)."""
    proc = subprocess.Popen([PYTHON, "-m", "crawler.demo.columns.large", "--reports", str(reports)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    return proc, proc.stdout.readline().strip()


def crawl(database_url: str, demo_url: str, workdir: Path) -> dict:
    """One full crawl of the large set as `python -m crawler crawl`; its stats, pages/s and peak RSS."""
    stats_file = workdir / f"stats-{time.monotonic_ns()}.json"
    cmd = [PYTHON, "-m", "crawler", "crawl", "-a", "province=大型演示"]
    for name, value in {**CRAWL_SETTINGS, "REPORTS_STATS_FILE": str(stats_file)}.items():
        cmd += ["-s", f"{name}={value}"]
    env = {**os.environ, "DATABASE_URL": database_url, "REPORTS_DEMO_URL": demo_url}
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stats = json.loads(stats_file.read_text())
    pages = stats.get("response_received_count", 0)
    return {"pages": pages, "stored": stats.get("reports/stored/new", 0), "finish": stats.get("finish_reason"),
            "seconds": stats["elapsed_time_seconds"], "pages_per_s": pages / stats["elapsed_time_seconds"],
            "cpu_ms_per_page": (usage.ru_utime + usage.ru_stime) * 1000 / max(pages, 1),
            "peak_rss_mb": usage.ru_maxrss / 1024, "exit": proc.returncode}


def parse_times(count: int, rounds: int) -> list[list[float]]:
    """CPU seconds per report page for decode + report_from_html over `count` generated report pages,
    one list per round (after an untimed round, so imports and first-call caches are not counted)."""
    from crawler.demo.columns.large import LargePortalSet, LargeSite
    from crawler.extract.encoding import decode_html
    from crawler.extract.report import report_from_html
    portal_set = LargePortalSet(5000)
    site = LargeSite(portal_set)
    pages = [(portal_set.report_path(n), site.handle("GET", portal_set.report_path(n), {}, b"").body,
              portal_set.report(n).title) for n in range(0, 5000, 5000 // count)]
    times: list[list[float]] = []
    for round_ in range(rounds + 1):
        timed = []
        for path, raw, title in pages:
            start = time.process_time()
            text, _ = decode_html(raw, None)
            report_from_html(text, "http://127.0.0.1" + path, listing_title=title)
            timed.append(time.process_time() - start)
        if round_:
            times.append(sorted(timed))
    return times


def fresh_sqlite(workdir: Path) -> str:
    return f"sqlite:///{workdir / f'bench-{time.monotonic_ns()}.sqlite'}"


def bench_postgres(server_url: str) -> str:
    """A database of the bench's own on that PostgreSQL server (`<name>_bench`), created empty:
    the tests' database is shared with test runs and must not be emptied under them."""
    from pipelines import db
    return db.empty_sibling_database(server_url, "bench")


def large_run(reports: int, database_url: str, workdir: Path) -> dict:
    server, base_url = serve_large(reports)
    try:
        return crawl(database_url, base_url, workdir)
    finally:
        server.terminate()
        server.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=5000, help="reports of the pipeline run (default 5000)")
    parser.add_argument("--with-50k", action="store_true", help="also crawl 50,000 reports for peak RSS (~20 min)")
    parser.add_argument("--bench-seconds", type=int, default=20, help="duration of `scrapy bench`")
    parser.add_argument("--parse-pages", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the parse timing (best reported)")
    parser.add_argument("--pairs", type=int, default=2, help="scrapy bench + pipeline pairs per database")
    opts = parser.parse_args(argv)
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))

    # This machine's speed drifts (a shared host: the same loop takes 1× to 2× as long from one
    # minute to the next), so each figure is measured in rounds and the best is reported, as timeit
    # does (slower rounds are other load, not the code), with the spread of all rounds.
    rounds = parse_times(opts.parse_pages, opts.rounds)
    medians = [statistics.median(times) for times in rounds]
    best = rounds[medians.index(min(medians))]
    median, p95 = min(medians), best[int(0.95 * (len(best) - 1))]
    print(f"parse (outside Scrapy, CPU time, best of {opts.rounds} rounds of {opts.parse_pages} pages): median "
          f"{median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms per report page = {1 / median:.0f} pages/s per core "
          f"(target ≥ 200); round medians {min(medians) * 1000:.1f}–{max(medians) * 1000:.1f} ms", flush=True)

    # scrapy bench and the pipeline are measured in pairs, one right after the other, so that a
    # ratio compares the two at about the same machine speed
    databases = {"sqlite": lambda: fresh_sqlite(workdir)}
    if postgres:
        databases["postgresql"] = lambda: bench_postgres(postgres)
    results: dict[str, list[dict]] = {name: [] for name in databases}
    for pair in range(opts.pairs):
        for name, make_database in databases.items():
            limit = scrapy_bench(opts.bench_seconds)
            r = large_run(opts.reports, make_database(), workdir)
            r["ratio"] = r["pages_per_s"] / limit
            results[name].append(r)
            print(f"pair {pair + 1}: scrapy bench {limit:.0f} pages/s; pipeline {opts.reports} reports into {name}: "
                  f"{r['pages']} pages in {r['seconds']:.0f} s = {r['pages_per_s']:.1f} pages/s, "
                  f"ratio {r['ratio']:.2f}; {r['stored']} stored, {r['finish']}; crawler CPU "
                  f"{r['cpu_ms_per_page']:.1f} ms per page (start-up included); peak RSS "
                  f"{r['peak_rss_mb']:.0f} MB", flush=True)
    for name, runs in results.items():
        ratios = [r["ratio"] for r in runs]
        print(f"pipeline into {name}: ratio to scrapy bench {max(ratios):.2f} best, {min(ratios):.2f} worst "
              f"of {len(runs)} (target ≥ 0.6); peak RSS {max(r['peak_rss_mb'] for r in runs):.0f} MB "
              f"(target < 400)", flush=True)
    if opts.with_50k:
        big = large_run(50_000, fresh_sqlite(workdir), workdir)
        base = max(r["peak_rss_mb"] for r in results["sqlite"])
        print(f"pipeline 50000 reports into sqlite: {big['pages_per_s']:.1f} pages/s, peak RSS "
              f"{big['peak_rss_mb']:.0f} MB = {big['peak_rss_mb'] / base:.2f} × the {opts.reports}-report run "
              f"(target ≤ 1.2)", flush=True)
    else:
        print("peak RSS at 50,000 reports: not measured (pass --with-50k; about 20 minutes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
