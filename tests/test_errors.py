"""Errors a user can read (issue 15): one line naming the cause and a non-zero exit, from both entry
points (`scrapy crawl reports` and `python -m crawler …`), run as a user runs them."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from crawler.commands.errors import crawl_failure
from tests.conftest import FAST_SETTINGS, ROOT

ENTRY_POINTS = {"scrapy crawl": ["-m", "scrapy", "crawl", "reports"],
                "python -m crawler crawl": ["-m", "crawler", "crawl"]}
FAST = [arg for name, value in FAST_SETTINGS.items() for arg in ("-s", f"{name}={value}")]


def run(args: list[str], database_url: str, log_level: str = "WARNING", **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": log_level, **env})


def last_line(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("args, cause", [
    (["-a", "portal=demo-nanshan", "-a", "mode=fast"], "mode must be nightly or full, not 'fast'"),
    (["-a", "portal=demo-nanshan", "-a", "since=abc"], "a year must be a number, not 'abc'"),
    (["-a", "site=ftp://example.gov.cn/"], "'ftp://example.gov.cn/' is not an http(s) URL"),
    ([], "give -a portal=ID"),
    (["-a", "portal=nope"], "unknown portal id(s): nope (see `python -m crawler portals`)"),
])
def test_a_bad_argument_is_one_line(entry, args, cause, tmp_path):
    proc = run([*ENTRY_POINTS[entry], *args], f"sqlite:///{tmp_path / 'r.sqlite'}")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()], proc.stderr[-3000:]
    assert proc.stderr.startswith("error: ") and cause in proc.stderr


def test_at_the_default_log_level_the_error_is_the_last_line_and_no_traceback(tmp_path):
    proc = run([*ENTRY_POINTS["scrapy crawl"], "-a", "portal=nope"], f"sqlite:///{tmp_path / 'r.sqlite'}", "INFO")
    assert proc.returncode == 1
    assert last_line(proc) == "error: unknown portal id(s): nope (see `python -m crawler portals`)"
    assert "Task exception was never retrieved" not in proc.stderr


BAD_DATABASES = [
    ("sqlite:////nonexistent-dir/reports.sqlite",
     "unable to open database file (directory /nonexistent-dir does not exist)"),
    ("mysqlx://user@host/db", "unknown database scheme 'mysqlx'"),
    ("not a url", "Could not parse SQLAlchemy URL"),
    ("postgresql://crawler:s3cret@127.0.0.1:1/reports", "Connection refused"),
]


def _names_the_database(line: str, url: str, cause: str) -> None:
    shown = url.replace(":s3cret@", ":***@")
    assert line.startswith(f"error: database {shown}: ") and cause in line, line
    assert "s3cret" not in line


@pytest.mark.parametrize("url, cause", BAD_DATABASES)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_wrong_database_url_is_one_line_naming_it_for_the_crawl(entry, url, cause):
    proc = run([*ENTRY_POINTS[entry], "-a", "portal=demo-nanshan"], url)
    assert proc.returncode == 1
    _names_the_database(last_line(proc), url, cause)


@pytest.mark.parametrize("command", [["runs"], ["failures", "--run", "1"], ["portals"], ["columns"], ["bodies"],
                                     ["export", "--format", "jsonl", "--out", "-"], ["report", "--out", "r.html"],
                                     ["discover", "-a", "site=http://127.0.0.1:1/"], ["demo", "--port", "0"]])
def test_a_wrong_database_url_is_one_line_naming_it_for_every_command(command, tmp_path):
    url, cause = BAD_DATABASES[3]
    command = [str(tmp_path / arg) if arg == "r.html" else arg for arg in command]
    proc = run(["-m", "crawler", *command], url)
    assert proc.returncode == 1
    _names_the_database(last_line(proc), url, cause)


def test_an_explicit_database_url_is_the_one_named(tmp_path):
    url = f"sqlite:///{tmp_path}/missing/reports.sqlite"
    proc = run(["-m", "crawler", "export", "--format", "jsonl", "--out", "-", "--database-url", url],
               f"sqlite:///{tmp_path / 'r.sqlite'}")
    assert proc.returncode == 1
    _names_the_database(last_line(proc), url, f"directory {tmp_path}/missing does not exist")


CRAWL_FAILED = re.compile(
    r"crawl failed: 0 reports stored, \d+ failure\(s\) \(see python -m crawler failures --run 1\)")


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_crawl_whose_every_request_failed_exits_1_with_a_summary(entry, database_url):
    proc = run([*ENTRY_POINTS[entry], "-a", "url=http://127.0.0.1:1/nothing", *FAST,
                "-s", "RETRY_TIMES=0", "-s", "ROBOTSTXT_OBEY=0", "-s", "LOG_LEVEL=WARNING"], database_url)
    assert proc.returncode == 1
    assert CRAWL_FAILED.fullmatch(last_line(proc)), proc.stderr[-2000:]
    failures = run(["-m", "crawler", "failures", "--run", "1"], database_url)
    assert "http://127.0.0.1:1/nothing" in failures.stdout


def test_a_column_answering_500_is_a_failed_crawl(database_url, demo):
    from crawler.demo.site import DemoResponse
    demo.site.add("/xxgk/zfxxgknb/index.html", DemoResponse(status=500, body=b"busy"))
    proc = run(["-m", "crawler", "crawl", "-a", "portal=demo-nanshan", *FAST, "-s", "RETRY_TIMES=0"],
               database_url, REPORTS_DEMO_URL=demo.base_url)
    assert proc.returncode == 1
    assert CRAWL_FAILED.fullmatch(last_line(proc)), proc.stderr[-2000:]


def test_discovery_that_found_no_column_and_failed_exits_1(database_url):
    proc = run(["-m", "crawler", "discover", "-a", "site=http://127.0.0.1:1/", *FAST,
                "-s", "RETRY_TIMES=0", "-s", "ROBOTSTXT_OBEY=0"], database_url)
    assert proc.returncode == 1
    assert last_line(proc) == "discovery failed: 0 columns found, 1 failure(s) (see python -m crawler failures --run 1)"


@pytest.mark.parametrize("stats, verdict", [
    ({}, None),                                                           # nothing listed, nothing failed
    ({"reports/not_modified": 5}, None),                                  # a quiet night
    ({"reports/not_modified": 5, "reports/failures": 1}, None),           # one portal of many down
    ({"reports/stored/new": 1, "reports/failures": 3}, None),
    ({"reports/failures": 3}, "crawl failed: 0 reports stored, 3 failure(s) (see python -m crawler failures --run 7)"),
])
def test_a_crawl_fails_when_it_reached_no_report_and_recorded_failures(stats, verdict):
    assert crawl_failure(stats, 7) == verdict


def test_discovery_fails_when_it_found_no_column_and_recorded_failures():
    assert crawl_failure({"reports/failures": 2, "reports/discovery/columns": 1}, 3, discover_only=True) is None
    assert crawl_failure({"reports/failures": 2}, None, discover_only=True) ==\
        "discovery failed: 0 columns found, 2 failure(s) (see python -m crawler runs)"


def test_help_points_to_the_readme_command_table():
    proc = subprocess.run([sys.executable, "-m", "crawler", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert "CONTRACT.md" not in proc.stdout and "README.md" in proc.stdout
