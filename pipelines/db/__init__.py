"""The data layer, one module per concern:

- `models`: the tables (one DeclarativeBase, typed columns, each described by its `comment=`);
- `engine`: the engine and sessions from `DATABASE_URL`, built when opened, never at import;
- `migrate`: `alembic upgrade head`, under a PostgreSQL advisory lock;
- `reports`: storing a report page (identity rules, versions, its stat/check/attachment rows);
- `rows`: bulk row writes (executemany, PostgreSQL COPY);
- `bodies`: reporting bodies and the year-over-year checks;
- `runs`: crawl runs, failures, what a crawl learnt of a portal;
- `columns`: annual-report columns and the portals' discovery state.

Callers own the unit of work, as the SQLAlchemy 2 docs show: `with Session.begin() as session:`
around each store, so a failure leaves nothing half written. This package's names are the layer's
interface: the rest of the project imports `from pipelines import db` and uses `db.<name>`.
"""
from pipelines.db.bodies import link_reports
from pipelines.db.columns import (
    portal_discovered,
    portals_needing_discovery,
    record_column_outcome,
    record_portal_outcome,
    remember_column,
    remembered_columns,
)
from pipelines.db.engine import compress, database_url, empty_sibling_database, make_engine, session_factory
from pipelines.db.migrate import upgrade_schema
from pipelines.db.models import (
    DEFAULT_SQLITE_PATH,
    AttachmentRow,
    Base,
    Body,
    CheckRow,
    Failure,
    PortalRow,
    ReportColumn,
    ReportRow,
    ReportUrl,
    ReportVersion,
    Run,
    Stat,
    utcnow,
)
from pipelines.db.reports import KnownPage, known_pages, publisher_key, store_report
from pipelines.db.runs import finish_run, last_walk_incomplete, mark_portal_verified, record_failure, start_run

__all__ = [
    "DEFAULT_SQLITE_PATH", "AttachmentRow", "Base", "Body", "CheckRow", "Failure", "KnownPage", "PortalRow",
    "ReportRow", "ReportColumn", "ReportUrl", "ReportVersion", "Run", "Stat", "compress", "database_url",
    "empty_sibling_database",
    "finish_run", "known_pages", "last_walk_incomplete", "link_reports", "make_engine", "mark_portal_verified",
    "portal_discovered", "portals_needing_discovery", "publisher_key", "record_column_outcome",
    "record_failure", "record_portal_outcome", "remember_column", "remembered_columns", "session_factory",
    "start_run", "store_report", "upgrade_schema", "utcnow",
]
