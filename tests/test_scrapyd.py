"""The Scrapyd route: `scrapyd-deploy` builds the egg (setup.py) and uploads it to a real Scrapyd,
whose schedule.json runs the reports spider from that egg into the database.

Scrapyd runs in a temporary directory of its own (scrapyd.conf there, HOME there), the project is
deployed from a copy of the checkout's packaging inputs (so the build leaves nothing in the
checkout), and the deploy target comes from an XDG scrapy.cfg, merged by scrapyd-deploy with the
project's own `[deploy]` section (which names the project).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select

from crawler.demo.reports import seed_reports
from pipelines import db
from tests.conftest import FAST_SETTINGS, ROOT

pytest.importorskip("scrapyd", reason="scrapyd is not installed (pip install scrapyd scrapyd-client)")
pytest.importorskip("scrapyd_client", reason="scrapyd-client is not installed (pip install scrapyd-client)")

pytestmark = pytest.mark.db

PROJECT = "gov-reports"                      # [deploy] project in scrapy.cfg
PACKAGING_INPUTS = ("scrapy.cfg", "setup.py", "crawler", "pipelines", "migrations")
STARTUP_TIMEOUT = 20.0
JOB_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _post_json(url: str, fields: list[tuple[str, str]]) -> dict:
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(url, data=data, timeout=30) as response:
        return json.loads(response.read())


def _clean_env(home: Path) -> dict[str, str]:
    """The environment without anything that would put the checkout on sys.path or pick a database."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "DATABASE_URL", "REPORTS_DEMO_URL", "SCRAPY_SETTINGS_MODULE",
                        "SCRAPY_PROJECT")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    return env


@pytest.fixture
def scrapyd(tmp_path):
    """A Scrapyd on a free loopback port, its eggs, logs and queues under tmp_path; yields its URL
    and its directory. Its jobs run with that directory as working directory, so only the egg
    can provide the crawler and pipelines packages."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = _free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "poll_interval = 0.2\n"
        "max_proc = 1\n",
        encoding="utf-8")
    url = f"http://127.0.0.1:{port}/"
    with (home / "scrapyd.err").open("wb") as errors:
        process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, env=_clean_env(home),
                                   stdout=subprocess.DEVNULL, stderr=errors)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                if _get_json(url + "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            assert process.poll() is None, (home / "scrapyd.err").read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "Scrapyd did not answer daemonstatus.json"
            time.sleep(0.1)
        yield url, home
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _copy_packaging_inputs(project: Path) -> Path:
    project.mkdir(parents=True)
    for name in PACKAGING_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    return project


def _deploy(url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`scrapyd-deploy test` from a copy of the packaging inputs, the target `test` pointing at `url`."""
    project = _copy_packaging_inputs(tmp_path / "project")
    home = tmp_path / "deployer"
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "scrapy.cfg").write_text(f"[deploy:test]\nurl = {url}\n", encoding="utf-8")
    # scrapyd_client.deploy is what the `scrapyd-deploy` console script runs
    return subprocess.run([sys.executable, "-m", "scrapyd_client.deploy", "test"], cwd=project,
                          env=_clean_env(home), capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def egg(tmp_path_factory) -> Path:
    """The egg `scrapyd-deploy --build-egg` builds from the checkout's setup.py."""
    tmp = tmp_path_factory.mktemp("egg")
    project = _copy_packaging_inputs(tmp / "project")
    built = subprocess.run([sys.executable, "-m", "scrapyd_client.deploy", "--build-egg", str(tmp / "project.egg")],
                           cwd=project, env=_clean_env(tmp), capture_output=True, text=True, timeout=60)
    assert built.returncode == 0, built.stderr[-3000:]
    return tmp / "project.egg"


def _checkout_files(directory: str, suffix: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / directory).rglob(f"*{suffix}")
            if "__pycache__" not in p.parts}


def test_egg_holds_the_packages_their_data_files_and_the_migrations(egg):
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert _checkout_files("crawler", ".py") <= names
    assert _checkout_files("pipelines", ".py") <= names
    assert _checkout_files("crawler/registry", ".toml") <= names
    assert _checkout_files("crawler/demo/seeds", ".txt") <= names
    migrations = {"pipelines/" + name for name in _checkout_files("migrations", "")
                  if not name.endswith(".pyc") and (ROOT / name).is_file()}
    assert migrations and migrations <= names
    assert "settings = crawler.settings" in entry_points       # how Scrapyd finds the settings


def test_alembic_upgrades_a_database_from_the_zipped_egg(egg, tmp_path):
    """What Scrapyd does: the egg (a zip) first on sys.path, the checkout nowhere on it."""
    database = tmp_path / "from-egg.sqlite"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from alembic import command\n"
        "from alembic.config import Config\n"
        "import pipelines\n"
        "from pipelines.migrations_dir import migrations_dir\n"
        "assert pipelines.__file__.startswith(sys.argv[1]), pipelines.__file__\n"
        "cfg = Config()\n"
        "cfg.set_main_option('script_location', str(migrations_dir()))\n"
        "cfg.set_main_option('sqlalchemy.url', 'sqlite:///' + sys.argv[2])\n"
        "command.upgrade(cfg, 'head')\n"
        "print(migrations_dir())\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(egg), str(database)], cwd=tmp_path,
                         env=_clean_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-3000:]
    copied_to = Path(run.stdout.strip())
    assert not copied_to.is_relative_to(ROOT) and not copied_to.exists()   # removed at exit
    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {table.name for table in db.Base.metadata.sorted_tables} <= tables


def test_checkout_migrations_are_used_in_place():
    from pipelines.migrations_dir import migrations_dir
    assert migrations_dir() == ROOT / "migrations"


def _wait_for_job(url: str, job_id: str) -> dict:
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        jobs = _get_json(f"{url}listjobs.json?project={PROJECT}")
        finished = [job for job in jobs["finished"] if job["id"] == job_id]
        if finished:
            return finished[0]
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish within {JOB_TIMEOUT} s: {jobs}")


def test_scrapyd_deploy_then_schedule_crawls_the_demo_portal_into_the_database(
        scrapyd, demo, database_url, tmp_path):
    url, home = scrapyd
    deployed = _deploy(url, tmp_path)
    assert deployed.returncode == 0, deployed.stderr[-3000:] + deployed.stdout[-3000:]
    answer = json.loads(deployed.stdout)
    assert answer["status"] == "ok" and answer["project"] == PROJECT, answer
    assert answer["spiders"] >= 1

    assert "reports" in _get_json(f"{url}listspiders.json?project={PROJECT}")["spiders"]

    settings = {**FAST_SETTINGS, "DATABASE_URL": database_url, "REPORTS_DEMO_URL": demo.base_url,
                "REPORTS_FILES_STORE": str(tmp_path / "files")}
    scheduled = _post_json(url + "schedule.json", [
        ("project", PROJECT), ("spider", "reports"), ("portal", "demo-nanshan"),
        *(("setting", f"{name}={value}") for name, value in settings.items())])
    assert scheduled["status"] == "ok", scheduled

    job = _wait_for_job(url, scheduled["jobid"])
    log_file = home / "logs" / PROJECT / "reports" / f"{job['id']}.log"
    log = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else ""
    assert "'finish_reason': 'finished'" in log, log[-3000:] or job
    assert "Traceback" not in log, log[-3000:]

    engine = db.make_engine(database_url)
    with db.session_factory(engine)() as session:
        stored = {r.title: r for r in session.scalars(select(db.ReportRow))}
    engine.dispose()
    assert sorted(stored) == sorted(page.title for page in seed_reports())
    assert {r.portal_id for r in stored.values()} == {"demo-nanshan"}
