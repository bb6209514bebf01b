"""The store's schema: column lists, the append-only migrations and opening in WAL mode.

The schema version (``PRAGMA user_version`` in SQLite, the ``schema_version`` table in
PostgreSQL; see ``dialect``) records how many entries of ``_MIGRATIONS`` have been applied;
opening a store applies the missing ones in one transaction (see :func:`migrate`). Migrations are
written once in SQLite's dialect; ``dialect.pg_sql`` maps their column types for PostgreSQL.
"""
from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import StoreError
from ..model import Event

if TYPE_CHECKING:
    from .dialect import Backend

EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(Event))
JSON_FIELDS = ("actors", "quantities")  # stored as JSON text
ARTICLE_COLUMNS = ("title", "url", "source", "published")  # joined into the events frame


def enable_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to WAL, retrying while other processes hold it.

    Switching the journal mode needs an exclusive lock and SQLite may answer SQLITE_BUSY
    without consulting the busy timeout, e.g. when several processes create the same new file
    at once; so the busy timeout is emulated here.
    """
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", None)
            if busy is None or busy & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


# --------------------------------------------------------------------------- migrations
#
# Append only: a migration that has shipped must never change, because files in the wild
# already record it as applied. Each function runs inside the open's transaction; do not use
# executescript() here, it commits implicitly.


def _migration_1(conn: sqlite3.Connection) -> None:
    """Initial schema."""
    conn.execute(
        """
        CREATE TABLE articles (
            id             TEXT PRIMARY KEY,
            content_hash   TEXT NOT NULL UNIQUE,
            published      TEXT,
            title          TEXT,
            source         TEXT,
            url            TEXT,
            origin         TEXT,
            text           TEXT NOT NULL,
            added_at       TEXT NOT NULL,
            extracted_with TEXT  -- extractor version of the current events, even when there are none
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE events (
            -- AUTOINCREMENT: ids are never reused after re-extraction, so an id a dashboard
            -- session still holds cannot silently point at a different event.
            event_id           INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id         TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            extractor_version  TEXT,
            event_key          TEXT NOT NULL,
            event_type         TEXT NOT NULL,
            evidence           TEXT NOT NULL,
            evidence_start     INTEGER NOT NULL,
            evidence_end       INTEGER NOT NULL,
            place              TEXT,
            lat                REAL,
            lon                REAL,
            country_code       TEXT,
            admin1             TEXT,
            precision          TEXT,
            date               TEXT,
            date_precision     TEXT,
            sub_type           TEXT,
            claimed_by         TEXT,
            verified           INTEGER,
            actors             TEXT NOT NULL DEFAULT '[]',
            quantities         TEXT NOT NULL DEFAULT '{}',
            geonameid          INTEGER,
            geo_source         TEXT,
            border_distance_km REAL,
            border_side        TEXT
        )
        """
    )
    conn.execute("CREATE INDEX events_article ON events(article_id)")
    conn.execute("CREATE INDEX events_key ON events(event_key)")
    conn.execute(
        """
        CREATE TABLE corrections (
            id         INTEGER PRIMARY KEY,
            event_key  TEXT NOT NULL,
            field      TEXT NOT NULL,
            value_json TEXT NOT NULL,
            author     TEXT NOT NULL,
            note       TEXT,
            created_at TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX corrections_key ON corrections(event_key)")
    conn.execute(
        """
        CREATE TABLE ingest_runs (
            id            INTEGER PRIMARY KEY,
            started_at    TEXT NOT NULL,
            finished_at   TEXT,
            files         INTEGER,
            articles      INTEGER,
            events        INTEGER,
            failures_json TEXT
        )
        """
    )


def _migration_2(conn: sqlite3.Connection) -> None:
    """Issue #4: the ACLED event type and sub-event type each event maps to."""
    conn.execute("ALTER TABLE events ADD COLUMN acled_event_type TEXT")
    conn.execute("ALTER TABLE events ADD COLUMN acled_sub_event_type TEXT")


def _migration_3(conn: sqlite3.Connection) -> None:
    """Issue #15: feed state (conditional-request validators, items seen, failures) and feed runs."""
    conn.execute(
        """
        CREATE TABLE feeds (
            url           TEXT PRIMARY KEY,
            title         TEXT,
            etag          TEXT,
            last_modified TEXT,
            checked_at    TEXT,              -- last attempt
            ok_at         TEXT,              -- last answer that was a feed (200) or not modified (304)
            status        TEXT,              -- ok | not_modified | failed
            error         TEXT,              -- reason of the last failure
            failed_at     TEXT,
            failures      INTEGER NOT NULL DEFAULT 0  -- failed checks in a row
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE feed_items (
            id            INTEGER PRIMARY KEY,  -- order seen (within one check, the feed's order)
            feed_url      TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
            link          TEXT NOT NULL,
            title         TEXT,
            published     TEXT,
            first_seen_at TEXT NOT NULL,
            status        TEXT NOT NULL DEFAULT 'pending',  -- pending | stored | known | failed | skipped
            attempts      INTEGER NOT NULL DEFAULT 0,
            error         TEXT,
            tried_at      TEXT,
            UNIQUE (feed_url, link)
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE feed_runs (
            id            INTEGER PRIMARY KEY,
            started_at    TEXT NOT NULL,
            finished_at   TEXT,
            feeds         INTEGER,
            not_modified  INTEGER,
            articles      INTEGER,
            events        INTEGER,
            failures_json TEXT,
            stopped       INTEGER NOT NULL DEFAULT 0  -- ended early by SIGTERM/SIGINT
        )
        """
    )
    conn.execute("CREATE INDEX articles_url ON articles(url)")


def _migration_4(conn: sqlite3.Connection) -> None:
    """Issue #11: the extractor's confidence in each event (0-1; NULL for imported rows and for
    events of older extractors until they are re-extracted)."""
    conn.execute("ALTER TABLE events ADD COLUMN confidence REAL")


_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2, _migration_3, _migration_4]

#: Schema version this code writes; equals the number of migrations.
SCHEMA_VERSION = len(_MIGRATIONS)


def migrate(conn, backend: Backend) -> None:
    """Bring the store up to SCHEMA_VERSION, in one transaction (`backend`: see ``dialect``)."""
    version = backend.get_version(conn)
    if version == SCHEMA_VERSION:
        # Common case, checked without the write lock so opening the dashboard never waits
        # behind a running ingest.
        return
    if version > SCHEMA_VERSION:
        _too_new(backend, version)
    backend.begin_migration(conn)
    try:
        # Re-read under the lock: another process may have migrated meanwhile.
        version = backend.get_version(conn)
        if version > SCHEMA_VERSION:
            _too_new(backend, version)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            _MIGRATIONS[number - 1](conn)
            backend.set_version(conn, number)
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _too_new(backend: Backend, version: int) -> None:
    raise StoreError(
        f"event store {backend.where!r} has schema version {version}, but this"
        f" Event Atlas only knows versions up to {SCHEMA_VERSION}; upgrade Event"
        " Atlas or use another store"
    )


def check_event_columns(conn, backend: Backend) -> None:
    """Every Event field has its column."""
    # Fails loudly when a field is added to Event without a migration, instead of
    # dropping that field on every write.
    columns = backend.columns(conn, "events")
    missing = [name for name in EVENT_FIELDS if name not in columns]
    if missing:
        raise StoreError(
            f"event store {backend.where!r}: Event fields {missing} have no column in the"
            " events table; add a migration to geo/store/schema.py"
        )
