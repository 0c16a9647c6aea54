"""Bulk row writes in the caller's transaction: the driver's own executemany (SQLite), COPY (PostgreSQL)."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


def insert_rows(connection: Connection | Session, table, rows: list[dict]) -> None:
    """Insert rows (dicts keyed by column name, all with the same keys; plain numbers and strings,
    values that need no type conversion) into a table in the caller's transaction.

    Both hand the rows to the driver, past SQLAlchemy's per-row parameter processing (~3 µs a
    value, 1.5 ms of a 200-cell report: bench/NOTES.md): SQLite, the table's INSERT by sqlite3's
    executemany, which runs in C; PostgreSQL, COPY: psycopg 3's executemany sends one statement per
    row (~40 µs of Python each; SQLAlchemy's RETURNING batches and multi-row VALUES were slower)."""
    if not rows:
        return
    if isinstance(connection, Session):
        connection = connection.connection()
    columns = tuple(rows[0])
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(_copy_statement(connection.dialect, table.name, columns)) as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])
        return
    if connection.dialect.name == "sqlite":
        cursor = driver.cursor()
        try:
            cursor.executemany(_insert_statement(connection.dialect, table.name, columns),
                               [tuple(row[column] for column in columns) for row in rows])
        finally:
            cursor.close()
        return
    connection.execute(table.insert(), rows)


@lru_cache(maxsize=64)
def _copy_statement(dialect, table: str, columns: tuple[str, ...]) -> str:
    quote = dialect.identifier_preparer.quote
    return f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"


@lru_cache(maxsize=64)
def _insert_statement(dialect, table: str, columns: tuple[str, ...]) -> str:
    quote = dialect.identifier_preparer.quote
    return (f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


def number_or_none(value):
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None
