"""The public commands of CONTRACT.md, run as a user runs them (`python -m crawler …`)."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS

EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))


def cli(*args: str, database_url: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    proc = subprocess.run([sys.executable, "-m", "crawler", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


@pytest.mark.parametrize("seed", sorted(k for k in EXPECTED if not k.startswith("_")))
def test_parse_prints_the_report_json_of_a_seed(seed):
    report = json.loads(cli("parse", str(SEEDS / seed)).stdout)
    want = EXPECTED[seed]
    for key in ("title", "report_year", "index_no", "publisher", "published_on", "topic", "signed_by", "written_on"):
        if key in want:
            assert report[key] == want[key], key
    assert set(report) == {"url", "title", "index_no", "publisher", "published_on", "written_on", "signed_by",
                           "doc_no", "topic", "keywords", "validity", "report_year", "body_text", "attachments",
                           "stats", "checks"}
    assert len(report["checks"]) == len(want.get("checks", []))


def test_parse_of_a_missing_file_fails_naming_it(tmp_path):
    proc = cli("parse", str(tmp_path / "nope.html"), check=False)
    assert proc.returncode != 0 and "nope.html" in proc.stderr


def test_portals_lists_the_registry():
    out = cli("portals", "--province", "黑龙江").stdout
    assert "黑龙江" in out and "demo-nanshan" not in out


@pytest.mark.db
def test_runs_failures_and_export_after_a_crawl(run_crawl, database_url, tmp_path, demo):
    demo.site.remove("/xxgk/zfxxgknb/201803/t20180320_300417.html")       # one report page is gone
    assert run_crawl().returncode == 0
    runs = cli("runs", database_url=database_url).stdout.splitlines()
    assert len(runs) == 2 and runs[1].startswith("1\t")
    failures = cli("failures", "--run", "1", database_url=database_url).stdout
    assert "t20180320_300417.html\tdemo-nanshan\t404" in failures
    assert cli("failures", "--run", "9", database_url=database_url, check=False).returncode == 1

    lines = cli("export", "--format", "jsonl", "--out", "-", database_url=database_url).stdout.splitlines()
    reports = [json.loads(line) for line in lines]
    assert len(reports) == 4
    nanshan = next(r for r in reports if r["title"] == "南山区2020年政府信息公开工作年度报告")
    assert len(nanshan["stats"]) == 198 and nanshan["report_year"] == 2020

    out = tmp_path / "reports.csv"
    cli("export", "--format", "csv", "--out", str(out), database_url=database_url)
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["title"] for r in rows) == sorted(r["title"] for r in reports)
    with open(tmp_path / "reports.stats.csv", encoding="utf-8", newline="") as fh:
        cells = list(csv.DictReader(fh))
    assert len(cells) == sum(len(r["stats"]) for r in reports)
    assert {c["report_url"] for c in cells} <= {r["url"] for r in rows}
