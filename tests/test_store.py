"""The store step: items in batches, one transaction each; a failing item rolls back alone."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crawler.extract.report import report_from_text
from crawler.items import Report
from pipelines import db
from pipelines.store import CrawlStore
from tests.conftest import SEEDS, store

pytestmark = pytest.mark.db


def _fields(seed: str, url: str) -> dict:
    fields = report_from_text((SEEDS / seed).read_text(encoding="utf-8"), url)
    fields["portal_id"] = "test"
    return fields


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_failing_report_rolls_back_alone(session):
    assert store(session, _fields("001_3b10d53d6ce3f43f.txt", "http://a/1.html"), b"<p>1</p>") == "new"
    bad = _fields("003_09ecbd43e5a0b949.txt", "http://a/3.html")
    bad["stats"][5]["value"] = "not a number"          # fails half-way through writing the cells
    with pytest.raises(ValueError):
        store(session, bad, b"<p>3</p>")
    session.rollback()
    assert _count(session, db.ReportRow) == 1 and _count(session, db.ReportUrl) == 1
    assert _count(session, db.Stat) == 198 and _count(session, db.ReportVersion) == 1
    session.rollback()                                   # end the read transaction of the counts
    # and the store goes on afterwards
    assert store(session, _fields("000_3debe78227b016e7.txt", "http://a/0.html"), None) == "new"


def test_the_store_turns_a_store_error_into_a_failure_row(session, database_url):
    pipeline = CrawlStore(crawler=None, database_url=database_url, keep_raw=True, repost_similarity=0.9)
    pipeline.engine = db.make_engine(database_url)
    pipeline.Session = db.session_factory(pipeline.engine)
    with session.begin():
        pipeline.run_id = db.start_run(session, "nightly", ["test"])
    good = Report(**_fields("001_3b10d53d6ce3f43f.txt", "http://a/1.html"))
    bad_fields = _fields("003_09ecbd43e5a0b949.txt", "http://a/3.html")
    bad_fields["stats"][0]["value"] = "?"
    bad = Report(**bad_fields)
    after = Report(**_fields("000_3debe78227b016e7.txt", "http://a/0.html"))
    # one batch: it fails as a whole, then each item is stored in a transaction of its own
    assert pipeline._store_batch([good, bad, after]) == ["new", "failure", "new"]
    pipeline.engine.dispose()
    session.expire_all()
    (failure,) = session.scalars(select(db.Failure)).all()
    assert failure.url == "http://a/3.html" and failure.reason.startswith("store error")
    assert failure.exception == "ValueError" and failure.run_id == pipeline.run_id
    assert sorted(r.url for r in session.scalars(select(db.ReportRow))) == ["http://a/0.html", "http://a/1.html"]
    assert _count(session, db.Stat) == 198 + len(after.stats) and _count(session, db.ReportUrl) == 2
