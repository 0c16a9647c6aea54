"""Kill and resume (issue 7): a crawl with a JOBDIR killed with SIGKILL at a random point, then
started again with the same JOBDIR, ends with every report stored exactly once."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from crawler.demo.columns.large import LargePortalSet, LargeSite
from crawler.demo.server import DemoServer
from pipelines import db
from tests.conftest import FAST_SETTINGS, ROOT, fresh_database_url

pytestmark = pytest.mark.db

REPORTS = 60


class SlowSite(LargeSite):
    """Every page answers after a short pause, so a crawl lasts long enough to be killed mid-way."""

    def handle(self, method, target, headers, body):
        return replace(super().handle(method, target, headers, body), delay=0.1)


def _crawl_cmd(jobdir) -> list[str]:
    cmd = [sys.executable, "-m", "crawler", "crawl", "-a", "portal=demo-large-01"]
    job = {"JOBDIR": str(jobdir)} if jobdir else {}
    for name, value in {**FAST_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": "4", **job,
                        "LOG_LEVEL": "WARNING"}.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def _counts(url) -> tuple[int, int, int]:
    engine = db.make_engine(url)
    try:
        with db.session_factory(engine)() as s:
            return (s.scalar(select(func.count()).select_from(db.ReportRow)),
                    s.scalar(select(func.count()).select_from(db.ReportUrl)),
                    s.scalar(select(func.count(func.distinct(db.ReportUrl.url)))))
    except Exception:      # the schema is not there yet
        return (0, 0, 0)
    finally:
        engine.dispose()


@pytest.mark.parametrize("jobdir,attempt", [(True, 1), (True, 2), (True, 3), (False, 1), (False, 2)],
                         ids=["jobdir-1", "jobdir-2", "jobdir-3", "catch-up-1", "catch-up-2"])
def test_sigkill_then_resume_stores_every_report_once(tmp_path, jobdir, attempt):
    """With a JOBDIR the crawl resumes; without one, the next (nightly) run catches up: it knows
    the last run was cut short and walks every listing page again."""
    url = fresh_database_url(tmp_path)
    rng = random.Random()
    kill_after = rng.randint(3, REPORTS - 10)          # reports stored when the process is killed
    with DemoServer(SlowSite(LargePortalSet(REPORTS, portal_count=1))) as server:
        env = {**os.environ, "DATABASE_URL": url, "REPORTS_DEMO_URL": server.base_url}
        jobdir = tmp_path / "job" if jobdir else None
        first = subprocess.Popen(_crawl_cmd(jobdir), cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while _counts(url)[0] < kill_after and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        stored_at_kill = _counts(url)[0]
        assert 0 < stored_at_kill < REPORTS, f"not killed mid-way (attempt {attempt}: {stored_at_kill})"

        second = subprocess.run(_crawl_cmd(jobdir), cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=180)
        assert second.returncode == 0, second.stderr[-3000:]
    reports, urls, distinct_urls = _counts(url)
    assert reports == REPORTS, f"killed at {stored_at_kill}: {reports} stored after resume"
    assert urls == distinct_urls == REPORTS
