"""The store's two backends behind one small connection API: SQLite (a file path) and
PostgreSQL (a ``postgresql://`` URL, through psycopg 3).

The store's SQL is written once, SQLite-style (``?`` placeholders, SQLite column types); what
differs between the backends lives here:

* **Opening**: a SQLite file in WAL mode with a busy timeout and foreign keys on; a PostgreSQL
  connection (autocommit off by our own ``BEGIN``/``COMMIT``), taken from a small per-process
  pool and given back on close.
* **Placeholders and types**: on PostgreSQL ``?`` becomes ``%s``, and the migrations' DDL has
  ``INTEGER PRIMARY KEY [AUTOINCREMENT]`` as an identity column, ``REAL`` as ``DOUBLE PRECISION``
  and ``INTEGER`` as ``BIGINT``.
* **Schema version**: ``PRAGMA user_version`` in SQLite, a one-row ``schema_version`` table in
  PostgreSQL.
* **Transactions**: SQLite writes start with ``BEGIN IMMEDIATE`` (writers queue on the file);
  PostgreSQL writes rely on row locks (a second writer of the same article waits for the first
  and then finds it stored), reads are one REPEATABLE READ snapshot, and migrations hold a
  transaction-scoped advisory lock so two processes opening a new database migrate it once.
* **Lost connections**: a PostgreSQL connection found broken at the start of a transaction is
  replaced once (nothing of that transaction has run yet).
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from ..errors import StoreError
from ..settings import is_db_url as is_url

PG_SCHEMES = ("postgresql", "postgres")
_MIGRATION_LOCK = 0x45_56_41_54  # advisory lock key of schema migrations ("EVAT")


def display(location: object) -> str:
    """The location for messages: a URL with its password replaced by ``***``."""
    text = str(location)
    if not is_url(text):
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))


def open_backend(location: str | os.PathLike, timeout: float, *, create: bool = True) -> "Backend":
    """The backend for a store location: a file path (SQLite) or a PostgreSQL URL.

    Raises StoreError for a URL of another kind (never a file named after it)."""
    if isinstance(location, str) and location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):] or ":memory:"
    if is_url(location):
        scheme = location.split("://", 1)[0].lower()
        if scheme.split("+", 1)[0] not in PG_SCHEMES:
            raise StoreError(
                f"cannot open event store {display(location)!r}: unsupported URL scheme {scheme!r};"
                " give a file path (SQLite) or postgresql://user:password@host:port/dbname")
        return PostgresBackend(location, timeout)
    return SQLiteBackend(location, timeout, create=create)


class Backend:
    """What the store needs from a backend (see the module docstring)."""

    where: str  # the location for messages
    errors: tuple[type[BaseException], ...]

    def connect(self):
        raise NotImplementedError

    def release(self, conn) -> None:
        conn.close()

    def begin(self, conn, *, write: bool) -> object:
        """Start a transaction; may return a replacement for a broken connection."""
        raise NotImplementedError

    def begin_migration(self, conn) -> None:
        raise NotImplementedError

    def get_version(self, conn) -> int:
        raise NotImplementedError

    def set_version(self, conn, number: int) -> None:
        raise NotImplementedError

    def columns(self, conn, table: str) -> set[str]:
        raise NotImplementedError

    def query_frame(self, sql: str, conn) -> pd.DataFrame:
        """`sql`'s result as a DataFrame (pandas.read_sql_query's signature)."""
        raise NotImplementedError

    def version_token(self) -> object | None:
        """A cheap token that changes when the store changes, without a query; None: ask the store."""
        return None


# --------------------------------------------------------------------------- SQLite


class SQLiteBackend(Backend):
    errors = (sqlite3.Error,)

    def __init__(self, location, timeout: float, *, create: bool = True) -> None:
        self.path = Path(location)
        self.where = str(location)
        self.timeout = timeout
        self.in_memory = str(location) == ":memory:"
        if not self.in_memory and not create and not self.path.is_file():
            raise StoreError(f"no event store at {self.where!r}")

    def connect(self) -> sqlite3.Connection:
        from .schema import enable_wal

        if not self.in_memory:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the directory for event store {self.where!r}: {exc}") from exc
        try:
            # isolation_level=None: we issue BEGIN ourselves (see EventStore._transaction).
            # timeout= is SQLite's busy timeout: a locked file is retried for that long.
            conn = sqlite3.connect(self.where, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open event store {self.where!r}: {exc}") from exc
        try:
            conn.row_factory = sqlite3.Row
            enable_wal(conn, self.timeout)
            conn.execute("PRAGMA foreign_keys = ON")  # per connection, not stored in the file
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open event store {self.where!r}: {exc}") from exc
            raise
        return conn

    def begin(self, conn, *, write: bool):
        # BEGIN IMMEDIATE: a deferred transaction that reads first and then writes cannot wait
        # for the lock (SQLITE_BUSY at once, ignoring the busy timeout) when another process
        # committed meanwhile; taking the write lock up front makes concurrent writers queue.
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        return conn

    def begin_migration(self, conn) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def get_version(self, conn) -> int:
        return conn.execute("PRAGMA user_version").fetchone()[0]

    def set_version(self, conn, number: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(number)}")  # PRAGMA takes no parameters

    def columns(self, conn, table: str) -> set[str]:
        return {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}

    def query_frame(self, sql: str, conn) -> pd.DataFrame:
        return pd.read_sql_query(sql, conn)

    def version_token(self) -> object | None:
        """The newest modification time of the file and its WAL (no connection needed)."""
        if self.in_memory:
            return None
        wal = self.path.with_name(self.path.name + "-wal")
        times = [p.stat().st_mtime for p in (self.path, wal) if p.exists()]
        return max(times) if times else 0.0


# --------------------------------------------------------------------------- PostgreSQL

_PG_TYPES = (
    (re.compile(r"\bINTEGER PRIMARY KEY( AUTOINCREMENT)?"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
)
_DDL = re.compile(r"^\s*(CREATE|ALTER)\s+TABLE\b", re.IGNORECASE)
_translated: dict[tuple[str, bool], str] = {}


def pg_sql(sql: str, params: bool = True) -> str:
    """SQLite-style SQL as PostgreSQL runs it: with `params`, ``?`` -> ``%s`` (a literal ``%``
    doubled); the column types of CREATE/ALTER TABLE mapped (see the module docstring)."""
    out = _translated.get((sql, params))
    if out is None:
        out = sql
        if _DDL.match(sql):
            for pattern, replacement in _PG_TYPES:
                out = pattern.sub(replacement, out)
        if params:
            out = out.replace("%", "%%").replace("?", "%s")
        if len(_translated) < 4096:
            _translated[(sql, params)] = out
    return out


class Row:
    """A result row read by position or by column name, like sqlite3.Row (``dict(row)`` works)."""

    __slots__ = ("_values", "_index")

    def __init__(self, values, index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key):
        return self._values[self._index[key]] if isinstance(key, str) else self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self):
        return iter(self._values)


def _row_factory(cursor):
    names = [c.name for c in cursor.description] if cursor.description else []
    index = {name: i for i, name in enumerate(names)}
    return lambda values: Row(values, index)


class PgConnection:
    """A psycopg connection with the sqlite3 calls the store makes (``execute``, ``executemany``,
    ``in_transaction``), running the store's SQLite-style SQL (see :func:`pg_sql`)."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.checked = False  # schema version already checked on this connection

    def execute(self, sql: str, params=None):
        if params is not None and len(params) == 0:
            params = None
        cur = self.raw.cursor(row_factory=_row_factory)
        cur.execute(pg_sql(sql, params is not None), params)
        return cur

    def executemany(self, sql: str, rows) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(pg_sql(sql), rows)

    @property
    def in_transaction(self) -> bool:
        from psycopg import pq

        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    @property
    def usable(self) -> bool:
        return not self.raw.closed and not self.raw.broken and not self.in_transaction

    def close(self) -> None:
        self.raw.close()


# Idle connections per (process, URL): EventStore.close() gives its connection back, the next
# EventStore of that URL in this process takes it (the dashboard opens a store per action).
_POOL: dict[tuple[int, str], list[PgConnection]] = {}
_POOL_LOCK = threading.Lock()
POOL_SIZE = 4


def close_pool(url: str | None = None) -> None:
    """Close this process's idle PostgreSQL connections (of one URL, or all)."""
    with _POOL_LOCK:
        keys = [k for k in _POOL if url is None or k[1] == libpq_url(url)]
        idle = [conn for k in keys for conn in _POOL.pop(k)]
    for conn in idle:
        conn.close()


def libpq_url(url: str) -> str:
    """A SQLAlchemy-style ``postgresql+psycopg://`` URL as libpq takes it (``postgresql://``)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0].lower()}://{rest}"


class PostgresBackend(Backend):
    def __init__(self, url: str, timeout: float) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is pinned in requirements.txt
            raise StoreError(f"event store {display(url)!r} needs psycopg (pip install 'psycopg[binary]')") from exc
        self.psycopg = psycopg
        self.url = libpq_url(url)
        self.where = display(url)
        self.timeout = timeout
        self.errors = (psycopg.Error,)

    def _new(self) -> PgConnection:
        psycopg = self.psycopg
        kwargs = {} if "connect_timeout" in self.url else {"connect_timeout": max(1, int(min(self.timeout, 10)))}
        try:
            raw = psycopg.connect(self.url, autocommit=True, application_name="event-atlas", **kwargs)
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreError(f"cannot connect to event store {self.where!r}: {reason}") from exc
        return PgConnection(raw)

    def connect(self) -> PgConnection:
        key = (os.getpid(), self.url)
        while True:
            with _POOL_LOCK:
                idle = _POOL.get(key)
                conn = idle.pop() if idle else None
            if conn is None:
                return self._new()
            if conn.usable:
                return conn
            conn.close()

    def release(self, conn: PgConnection) -> None:
        key = (os.getpid(), self.url)
        if conn.usable:
            with _POOL_LOCK:
                idle = _POOL.setdefault(key, [])
                if len(idle) < POOL_SIZE:
                    idle.append(conn)
                    return
        conn.close()

    def begin(self, conn: PgConnection, *, write: bool) -> PgConnection:
        sql = "BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        try:
            conn.execute(sql)
            return conn
        except self.psycopg.OperationalError:
            if not (conn.raw.closed or conn.raw.broken):
                raise
        # The server closed the connection (restart, idle timeout, network): one new one.
        conn.close()
        time.sleep(0.1)
        fresh = self._new()
        fresh.checked = conn.checked
        fresh.execute(sql)
        return fresh

    def begin_migration(self, conn: PgConnection) -> None:
        conn.execute("BEGIN")
        # Held until COMMIT/ROLLBACK: concurrent openers of a new database queue here.
        conn.execute(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        if conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 0:
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")

    def get_version(self, conn: PgConnection) -> int:
        if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
            return 0
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return row[0] or 0

    def set_version(self, conn: PgConnection, number: int) -> None:
        conn.execute("UPDATE schema_version SET version = ?", (int(number),))

    def columns(self, conn: PgConnection, table: str) -> set[str]:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ?", (table,))
        return {row[0] for row in rows}

    def query_frame(self, sql: str, conn: PgConnection) -> pd.DataFrame:
        with conn.raw.cursor() as cur:
            cur.execute(sql)
            names = [c.name for c in cur.description]
            return pd.DataFrame.from_records(cur.fetchall(), columns=names, coerce_float=True)
