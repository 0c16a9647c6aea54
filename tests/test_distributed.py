"""Distributed crawling: two crawler processes, one Redis queue (scrapy-redis), one database.

Runs in `.ci/run` (TEST_REDIS_URL and TEST_DATABASE_URL set); skipped without Redis. Each crawl is a
real `python -m crawler crawl` child process against the large generated demo portal set.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from crawler.demo.columns.large import LargePortalSet, LargeSite
from crawler.demo.server import DemoServer
from tests.conftest import FAST_SETTINGS, ROOT, crawl

pytestmark = [pytest.mark.redis, pytest.mark.db]


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set")
    return url


@pytest.fixture
def redis_settings(redis_url):
    """Settings of one shared crawl: its own Redis keys, removed afterwards."""
    import redis
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings = {"REDIS_URL": redis_url, "ADDONS": json.dumps({"crawler.distributed.RedisAddon": 0}),
                "SCHEDULER_QUEUE_KEY": f"{prefix}:requests", "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
                "REPORTS_REDIS_WORKER_KEY": f"{prefix}:worker", "REPORTS_REDIS_WORKER_TTL": "4",
                "LOG_LEVEL": "INFO"}
    yield settings
    server = redis.Redis.from_url(redis_url)
    keys = list(server.scan_iter(match=f"{prefix}:*"))
    if keys:
        server.delete(*keys)


def _migrated(database_url: str) -> str:
    """The schema made once before the workers start: two processes migrating one empty PostgreSQL
    database at once collide on CREATE TABLE alembic_version (pipelines.db.upgrade_schema takes no lock)."""
    from pipelines import db
    db.upgrade_schema(database_url)
    return database_url


def _serve(report_count: int):
    portal_set = LargePortalSet(report_count)
    return portal_set, DemoServer(LargeSite(portal_set))


def _stored(database_url: str) -> tuple[int, int, int]:
    """(reports, distinct report URLs, URLs) in the database."""
    from pipelines import db
    engine = db.make_engine(database_url)
    with db.session_factory(engine)() as session:
        counts = (session.scalar(select(func.count()).select_from(db.ReportRow)),
                  session.scalar(select(func.count(func.distinct(db.ReportRow.url)))),
                  session.scalar(select(func.count()).select_from(db.ReportUrl)))
    engine.dispose()
    return counts


def _start_worker(database_url: str, demo_url: str, settings: dict, tmp_path, name: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "crawler", "crawl", "-a", "province=大型演示"]
    for key, value in {**FAST_SETTINGS, **settings, "REPORTS_STATS_FILE": str(tmp_path / f"{name}.json")}.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "DATABASE_URL": database_url, "REPORTS_DEMO_URL": demo_url}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(tmp_path / f"{name}.log", "w"))


def test_two_workers_share_one_crawl_and_store_each_report_once(database_url, redis_settings, tmp_path):
    database_url = _migrated(database_url)
    portal_set, server = _serve(2000)
    for i in (1, 2):
        (tmp_path / f"w{i}").mkdir()
    with server, ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda i: crawl(database_url, server.base_url, {"province": "大型演示"},
                                             redis_settings, tmp_path / f"w{i}", timeout=280), (1, 2)))
    assert [r.returncode for r in runs] == [0, 0], runs[0].log[-2000:] + runs[1].log[-2000:]
    new = [r.stats.get("reports/stored/new", 0) for r in runs]
    assert all(n > 0 for n in new), f"one worker did nothing: {new}"
    assert sum(new) == portal_set.report_count
    fetched = sum(r.stats.get("scheduler/dequeued/redis", 0) for r in runs)
    assert fetched == portal_set.page_count()                # every page taken from the queue once
    assert _stored(database_url) == (2000, 2000, 2000)


def test_a_killed_worker_loses_nothing(database_url, redis_settings, tmp_path):
    database_url = _migrated(database_url)
    portal_set, server = _serve(600)
    with server:
        victim = _start_worker(database_url, server.base_url, redis_settings, tmp_path, "victim")
        survivor = _start_worker(database_url, server.base_url, redis_settings, tmp_path, "survivor")
        deadline = time.monotonic() + 120
        while _stored_or_zero(database_url) < 100 and time.monotonic() < deadline and victim.poll() is None:
            time.sleep(0.5)
        assert victim.poll() is None, "the victim finished before it could be killed"
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        assert survivor.wait(timeout=240) == 0, (tmp_path / "survivor.log").read_text()[-3000:]
    # nothing lost, nothing twice; whether the survivor had to take over requests depends on
    # whether the victim held any in flight at the instant of the kill (counted, not guaranteed)
    assert _stored(database_url) == (600, 600, 600)
    stats = json.loads((tmp_path / "survivor.json").read_text())
    assert stats.get("finish_reason") == "finished"


def _stored_or_zero(database_url: str) -> int:
    try:
        return _stored(database_url)[0]
    except Exception:          # the schema is not there yet
        return 0
