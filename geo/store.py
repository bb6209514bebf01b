"""SQLite event store: what `python -m geo ingest` writes and the dashboard reads.

One file holds the articles, the events extracted from them, human corrections and a log of
ingest runs. Design points:

* **Several processes at once.** The file is in WAL mode, so the dashboard keeps reading while
  an ingest writes, and every write transaction starts with ``BEGIN IMMEDIATE`` under a 30 s
  busy timeout, so concurrent ingests queue up instead of failing with "database is locked".
* **Corrections survive re-extraction.** Corrections live in their own table, keyed by
  :func:`event_key` (article id, extracted event type, evidence offset), not by the volatile
  ``event_id``; :meth:`EventStore.events_frame` applies them every time events are read.
* **Versioned schema.** ``PRAGMA user_version`` records how many entries of ``_MIGRATIONS``
  have been applied; opening a file applies the missing ones in one transaction.

Thread safety: one connection per :class:`EventStore`, opened with ``check_same_thread=False``
and guarded by a lock, so a single store may be shared between threads (Streamlit reruns a
script on different threads, e.g. under ``st.cache_resource``). Calls are serialised, not
parallel. Separate processes must each open their own ``EventStore``; never share one across
``fork``.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import sqlite3
import threading
import time
import typing
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from geo.errors import ConfigurationError, StoreError
from geo.model import EVENT_TYPES, Article, Event

__all__ = [
    "CORRECTABLE_FIELDS",
    "FRAME_COLUMNS",
    "SCHEMA_VERSION",
    "EventStore",
    "content_hash",
    "event_key",
]

DEFAULT_TIMEOUT_S = 30.0

#: Event fields a reviewer may override, plus the free-text ``notes`` that only exists as a correction.
CORRECTABLE_FIELDS = ("lat", "lon", "place", "event_type", "verified", "date", "claimed_by", "notes")

_EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(Event))
_JSON_FIELDS = ("actors", "quantities")
_ARTICLE_COLUMNS = ("title", "url", "source", "published")

#: Columns of :meth:`EventStore.events_frame`, in order.
FRAME_COLUMNS = (
    ("event_id", "event_key")
    + _EVENT_FIELDS
    + ("notes", "corrected_fields", "extractor_version")
    + _ARTICLE_COLUMNS
)


# --------------------------------------------------------------------------- helpers


def content_hash(text: str) -> str:
    """SHA-256 (hex) of ``text`` after Unicode NFC and whitespace normalisation.

    Normalising first means the same report fetched twice with different line wrapping or
    composed/decomposed accents is recognised as a duplicate.
    """
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def event_key(article_id: str, event_type: str, evidence_start: int, ordinal: int = 0) -> str:
    """Stable identity of an extracted event, used to attach corrections to it.

    Built from what re-running the extractor reproduces (article, *extracted* type, offset of
    the evidence sentence), never from the row id, which changes on every re-extraction.
    ``ordinal`` separates several events of the same type from one sentence (the n-th in
    extraction order gets ``#n``). Event types contain no ``:``, so the key is unambiguous
    even if article ids do.
    """
    key = f"{article_id}:{event_type}:{int(evidence_start)}"
    return f"{key}#{ordinal}" if ordinal else key


def _enable_wal(conn: sqlite3.Connection, timeout: float) -> None:
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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _frame_dtypes() -> dict[str, str | type]:
    """pandas dtypes for the frame, derived from the Event annotations.

    Explicit dtypes keep an empty frame and a full one interchangeable (same dtypes), and keep
    integer columns that may be missing (geonameid) from silently turning into floats.
    """
    by_type = {
        str: "str",
        float: "float64",
        int: "int64",
        bool: "boolean",
        str | None: "str",
        float | None: "float64",
        int | None: "Int64",
        bool | None: "boolean",
    }
    hints = typing.get_type_hints(Event)
    dtypes: dict[str, str | type] = {name: by_type.get(hints[name], object) for name in _EVENT_FIELDS}
    dtypes.update(
        event_id="int64",
        event_key="str",
        notes="str",
        corrected_fields="str",
        extractor_version="str",
        title="str",
        url="str",
        source="str",
        published="str",
    )
    return dtypes


_FRAME_DTYPES = _frame_dtypes()


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


_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2, _migration_3]

#: Schema version this code writes; equals the number of migrations.
SCHEMA_VERSION = len(_MIGRATIONS)


# --------------------------------------------------------------------------- the store


# `extracted_with` tags of articles whose events were imported from a table or generated for the
# benchmarks, not extracted: re-extraction leaves them alone.
TABLE_TAG = "table:"
SYNTH_TAG = "synth-"
NOT_EXTRACTED_TAGS = (TABLE_TAG, SYNTH_TAG)


def _article(row) -> Article:
    return Article(
        id=row["id"],
        text=row["text"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        title=row["title"],
        source=row["source"],
        url=row["url"],
        origin=row["origin"],
    )


class EventStore:
    """Articles, their events, corrections and ingest runs in one SQLite file.

    Opening creates the file and its parent directories if needed and brings the schema up to
    date. Raises :class:`StoreError` (naming the path) if the file cannot be opened or was
    written by a newer Event Atlas. Use as a context manager or call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        in_memory = str(path) == ":memory:"
        if not in_memory:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the directory for event store {str(path)!r}: {exc}") from exc
        try:
            # isolation_level=None: we issue BEGIN ourselves (see _transaction).
            # timeout= is SQLite's busy timeout: a locked file is retried for that long.
            conn = sqlite3.connect(
                str(path), timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open event store {str(path)!r}: {exc}") from exc
        try:
            conn.row_factory = sqlite3.Row
            _enable_wal(conn, timeout)
            conn.execute("PRAGMA foreign_keys = ON")  # per connection, not stored in the file
            self._migrate(conn)
            self._check_event_columns(conn)
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open event store {str(path)!r}: {exc}") from exc
            raise
        self._conn = conn

    # ---------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the connection. Safe to call twice; later calls on the store raise StoreError."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EventStore({str(self.path)!r})"

    @property
    def schema_version(self) -> int:
        """The file's ``PRAGMA user_version``."""
        with self._transaction(write=False) as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    # ---------------------------------------------------------------- articles

    def add_article(self, article: Article) -> bool:
        """Store ``article``; True if it was new.

        False, and nothing written, if an article with the same id or the same normalised text
        (see :func:`content_hash`) is already stored.
        """
        with self._transaction(write=True) as conn:
            return self._insert_article(conn, article)

    def article_ids(self) -> set[str]:
        """Ids of every stored article."""
        with self._transaction(write=False) as conn:
            return {row[0] for row in conn.execute("SELECT id FROM articles")}

    def stale_article_ids(self, extractor_version: str) -> set[str]:
        """Ids of articles whose events were not produced by ``extractor_version``.

        Includes articles never extracted. Lets an ingest re-extract only what a new extractor
        would change, including articles that previously yielded no events.
        """
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT id FROM articles WHERE extracted_with IS NULL OR extracted_with != ?",
                (extractor_version,),
            )
            return {row[0] for row in rows}

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else _article(row)

    def extractable_articles(self, stale_for: str | None = None) -> list[Article]:
        """Articles whose events the extractor made, in id order, read in one query: all of them,
        or with `stale_for` only those not extracted by that extractor version. Rows imported
        from tables or generated by `geo synth` (see NOT_EXTRACTED_TAGS) keep their events."""
        sql = ("SELECT * FROM articles WHERE (extracted_with IS NULL OR ("
               + " AND ".join("extracted_with NOT LIKE ?" for _ in NOT_EXTRACTED_TAGS) + "))")
        params: list[str] = [f"{tag}%" for tag in NOT_EXTRACTED_TAGS]
        if stale_for is not None:
            sql += " AND (extracted_with IS NULL OR extracted_with != ?)"
            params.append(stale_for)
        with self._transaction(write=False) as conn:
            return [_article(row) for row in conn.execute(sql + " ORDER BY id", params)]

    def count_articles(self) -> int:
        """Number of stored articles."""
        with self._transaction(write=False) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    # ---------------------------------------------------------------- events

    def replace_events(self, article_id: str, events: Iterable[Event], extractor_version: str) -> None:
        """Atomically replace the events of a stored article (e.g. after re-extraction).

        Corrections are untouched and re-attach to the new events by :func:`event_key`.
        Raises StoreError if the article is not stored, ValueError if an event belongs to
        another article.
        """
        events = list(events)
        with self._transaction(write=True) as conn:
            if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
                raise StoreError(f"event store {str(self.path)!r}: article {article_id!r} is not stored")
            self._write_events(conn, article_id, events, extractor_version)

    def add_article_with_events(
        self, article: Article, events: Iterable[Event], extractor_version: str
    ) -> bool:
        """Store a new article and its events in one transaction; True if the article was new.

        A process killed half-way therefore never leaves an article without its events. If the
        article is a duplicate (see :meth:`add_article`) nothing is written and the stored
        events are left alone; use :meth:`replace_events` to re-extract.
        """
        return self.add_many([(article, events)], extractor_version) == 1

    def add_many(self, items: Iterable[tuple[Article, Iterable[Event]]], extractor_version: str) -> int:
        """Store many new articles with their events in ONE transaction; returns how many were new.

        For bulk loads (imported tables, synthetic data): a commit per article would dominate.
        Duplicates are skipped as in :meth:`add_article_with_events`.
        """
        new = 0
        with self._transaction(write=True) as conn:
            for article, events in items:
                if self._insert_article(conn, article):
                    self._write_events(conn, article.id, list(events), extractor_version)
                    new += 1
        return new

    def article_events(self, article_id: str) -> list[Event]:
        """The events stored for an article, as extracted (corrections not applied)."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT * FROM events WHERE article_id = ? ORDER BY event_id", (article_id,)
            ).fetchall()
        return [Event.from_dict(self._decode_event_row(row)) for row in rows]

    def count_events(self) -> int:
        """Number of stored events."""
        with self._transaction(write=False) as conn:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def events_frame(self) -> pd.DataFrame:
        """Every event, one row each, with corrections applied, ready for the dashboard.

        Columns are :data:`FRAME_COLUMNS`: ``event_id``, ``event_key``, every Event field,
        ``notes`` (from corrections), ``corrected_fields`` (comma-separated names of corrected
        fields, "" if none), ``extractor_version``, and the article's ``title``, ``url``,
        ``source`` and ``published`` (ISO string). ``date`` stays an ISO string. Missing values
        are NaN/<NA> as pandas dtypes dictate. With no events the frame is empty but has the
        same columns and dtypes.
        """
        # One read transaction so events and corrections come from the same snapshot.
        with self._transaction(write=False) as conn:
            cols = ", ".join(f"e.{c}" for c in ("event_id", "event_key", "extractor_version", *_EVENT_FIELDS))
            df = pd.read_sql_query(
                f"SELECT {cols}, {', '.join('a.' + c for c in _ARTICLE_COLUMNS)} "
                "FROM events e JOIN articles a ON a.id = e.article_id ORDER BY e.event_id",
                conn,
            )
            corrections = conn.execute(
                "SELECT event_key, field, value_json FROM corrections ORDER BY id"
            ).fetchall()

        # Column-wise decoding: at 100k events a per-row loop dominated the dashboard's first render.
        for name in _JSON_FIELDS:
            default, empty = ("[]", list) if name == "actors" else ("{}", dict)
            df[name] = [empty() if v in (None, default) else json.loads(v) for v in df[name]]
        df["verified"] = df["verified"].map(lambda v: None if v is None or v != v else bool(v))
        df["notes"] = None
        df["corrected_fields"] = ""

        # Replayed in insertion order so the latest correction of a field wins; only the
        # (few) corrected rows are touched.
        overrides: dict[str, dict[str, object]] = {}
        for c in corrections:
            overrides.setdefault(c["event_key"], {})[c["field"]] = json.loads(c["value_json"])
        if overrides:
            fields = {f for fixes in overrides.values() for f in fixes} | {"corrected_fields"}
            df = df.astype({f: object for f in fields})  # a corrected value may not fit the column's dtype
            positions = {k: i for i, k in enumerate(df["event_key"])}
            for key, fixes in overrides.items():
                i = positions.get(key)
                if i is None:
                    continue
                for field_name, value in fixes.items():
                    df.iat[i, df.columns.get_loc(field_name)] = value
                df.iat[i, df.columns.get_loc("corrected_fields")] = ",".join(sorted(fixes))
        return df.reindex(columns=list(FRAME_COLUMNS)).astype(_FRAME_DTYPES)

    # ---------------------------------------------------------------- corrections

    def add_correction(
        self, event_key: str, field: str, value: object, author: str, note: str | None = None
    ) -> int:
        """Record a reviewer's override of one field of an event; returns the correction id.

        ``field`` must be one of :data:`CORRECTABLE_FIELDS`. ``value`` is checked for that
        field (event_type in ``EVENT_TYPES``, lat/lon in range, date as ``YYYY-MM-DD``,
        verified a bool); None clears the field, except for event_type. Raises
        ConfigurationError (a ValueError) for an invalid field or value, or an event_key no
        stored event has. Later corrections of the same field win.
        """
        value = _validate_correction(field, value)
        if not isinstance(author, str) or not author.strip():
            raise ConfigurationError(f"a correction needs an author, got {author!r}")
        with self._transaction(write=True) as conn:
            if conn.execute("SELECT 1 FROM events WHERE event_key = ? LIMIT 1", (event_key,)).fetchone() is None:
                raise ConfigurationError(f"no stored event has event_key {event_key!r}")
            cur = conn.execute(
                "INSERT INTO corrections (event_key, field, value_json, author, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (event_key, field, json.dumps(value), author, note, _now()),
            )
            return cur.lastrowid

    def corrections(self, event_key: str | None = None) -> list[dict]:
        """Corrections (all, or of one event) oldest first, as dicts with the decoded ``value``."""
        sql = "SELECT * FROM corrections"
        params: tuple = ()
        if event_key is not None:
            sql += " WHERE event_key = ?"
            params = (event_key,)
        with self._transaction(write=False) as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        out = []
        for row in rows:
            d = dict(row)
            d["value"] = json.loads(d.pop("value_json"))
            out.append(d)
        return out

    # ---------------------------------------------------------------- ingest runs

    def start_run(self) -> int:
        """Record the start of an ingest run; returns its id for :meth:`finish_run`."""
        with self._transaction(write=True) as conn:
            return conn.execute("INSERT INTO ingest_runs (started_at) VALUES (?)", (_now(),)).lastrowid

    def finish_run(self, run_id: int, files: int, articles: int, events: int, failures: object) -> None:
        """Record the outcome of an ingest run.

        ``failures`` is anything JSON-serialisable (e.g. a list of ``{"file", "error"}``
        dicts); other objects are stored via ``str()``.
        """
        failures_json = json.dumps(failures, default=str)
        with self._transaction(write=True) as conn:
            cur = conn.execute(
                "UPDATE ingest_runs SET finished_at = ?, files = ?, articles = ?, events = ?,"
                " failures_json = ? WHERE id = ?",
                (_now(), files, articles, events, failures_json, run_id),
            )
            if cur.rowcount == 0:
                raise StoreError(f"event store {str(self.path)!r}: no ingest run with id {run_id!r}")

    def ingest_runs(self, limit: int | None = None) -> list[dict]:
        """Ingest runs, newest first, as dicts with the decoded ``failures`` (None while running)."""
        sql = "SELECT * FROM ingest_runs ORDER BY id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._transaction(write=False) as conn:
            rows = conn.execute(sql).fetchall()
        out = []
        for row in rows:
            d = dict(row)
            raw = d.pop("failures_json")
            d["failures"] = json.loads(raw) if raw is not None else None
            out.append(d)
        return out

    # ---------------------------------------------------------------- feeds (issue #15)

    def feed_state(self, url: str) -> dict | None:
        """The stored state of feed ``url`` (validators, last check, failures), or None."""
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return None if row is None else dict(row)

    def record_feed_check(
        self,
        url: str,
        *,
        error: str | None = None,
        not_modified: bool = False,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        items: Iterable[dict] = (),
    ) -> None:
        """Record one check of a feed: a failure (``error``), a 304 (``not_modified``), or a
        fetched feed with its new validators and ``items`` (dicts with ``link`` and optional
        ``title``/``published``). New items are queued as pending in the same transaction, so a
        stop right after this loses no item even though the next check may answer 304."""
        now = _now()
        with self._transaction(write=True) as conn:
            conn.execute("INSERT INTO feeds (url) VALUES (?) ON CONFLICT DO NOTHING", (url,))
            if error is not None:
                conn.execute(
                    "UPDATE feeds SET checked_at = ?, status = 'failed', error = ?, failed_at = ?,"
                    " failures = failures + 1 WHERE url = ?",
                    (now, error, now, url),
                )
                return
            conn.execute(
                "UPDATE feeds SET checked_at = ?, ok_at = ?, status = ?, error = NULL, failures = 0"
                " WHERE url = ?",
                (now, now, "not_modified" if not_modified else "ok", url),
            )
            if not_modified:
                return
            conn.execute(
                "UPDATE feeds SET title = ?, etag = ?, last_modified = ? WHERE url = ?",
                (title, etag, last_modified, url),
            )
            conn.executemany(
                "INSERT INTO feed_items (feed_url, link, title, published, first_seen_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(url, it["link"], it.get("title"), it.get("published"), now) for it in items],
            )

    def pending_feed_items(self, url: str, max_attempts: int) -> list[dict]:
        """Items of feed ``url`` still to fetch: new ones, and failed ones tried fewer than
        ``max_attempts`` times; in the order they were first seen."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT * FROM feed_items WHERE feed_url = ? AND (status = 'pending'"
                " OR (status = 'failed' AND attempts < ?)) ORDER BY id",
                (url, max_attempts),
            ).fetchall()
        return [dict(r) for r in rows]

    def record_feed_item(self, feed_url: str, link: str, status: str, error: str | None = None) -> None:
        """Record the outcome of fetching one item: stored, known (already stored), skipped
        (robots.txt) or failed (``error``; counts an attempt)."""
        if status not in ("stored", "known", "failed", "skipped"):
            raise ValueError(f"unknown feed item status {status!r}")
        with self._transaction(write=True) as conn:
            conn.execute(
                "UPDATE feed_items SET status = ?, error = ?, tried_at = ?,"
                " attempts = attempts + ? WHERE feed_url = ? AND link = ?",
                (status, error, _now(), int(status == "failed"), feed_url, link),
            )

    def feed_items(self, feed_url: str | None = None) -> list[dict]:
        """Every item seen in one feed (or in all), oldest first."""
        sql, params = "SELECT * FROM feed_items", ()
        if feed_url is not None:
            sql, params = sql + " WHERE feed_url = ?", (feed_url,)
        with self._transaction(write=False) as conn:
            return [dict(r) for r in conn.execute(sql + " ORDER BY id", params)]

    def stored_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` some stored article has as its URL."""
        urls = list(dict.fromkeys(urls))
        found: set[str] = set()
        with self._transaction(write=False) as conn:
            for start in range(0, len(urls), 500):  # SQLite's bound-parameter limit
                chunk = urls[start:start + 500]
                rows = conn.execute(
                    f"SELECT url FROM articles WHERE url IN ({', '.join('?' * len(chunk))})", chunk
                )
                found.update(r[0] for r in rows)
        return found

    def start_feed_run(self) -> int:
        """Record the start of a feed run; returns its id for :meth:`finish_feed_run`."""
        with self._transaction(write=True) as conn:
            return conn.execute("INSERT INTO feed_runs (started_at) VALUES (?)", (_now(),)).lastrowid

    def finish_feed_run(
        self, run_id: int, *, feeds: int, not_modified: int, articles: int, events: int,
        failures: list[str], stopped: bool = False,
    ) -> None:
        """Record the outcome of a feed run (``stopped``: ended early by a signal)."""
        with self._transaction(write=True) as conn:
            conn.execute(
                "UPDATE feed_runs SET finished_at = ?, feeds = ?, not_modified = ?, articles = ?,"
                " events = ?, failures_json = ?, stopped = ? WHERE id = ?",
                (_now(), feeds, not_modified, articles, events, json.dumps(failures), int(stopped), run_id),
            )

    def feed_runs(self, limit: int | None = None) -> list[dict]:
        """Feed runs, newest first, with the decoded ``failures`` (None while running)."""
        sql = "SELECT * FROM feed_runs ORDER BY id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._transaction(write=False) as conn:
            rows = [dict(r) for r in conn.execute(sql)]
        for d in rows:
            raw = d.pop("failures_json")
            d["failures"] = json.loads(raw) if raw is not None else None
            d["stopped"] = bool(d["stopped"])
        return rows

    def newest_article(self) -> dict:
        """When the newest article was stored (``added_at``) and the newest publication date."""
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT max(added_at), max(published) FROM articles").fetchone()
        return {"added_at": row[0], "published": row[1]}

    # ---------------------------------------------------------------- internals

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run the body in one short transaction, committing on success.

        Writes use BEGIN IMMEDIATE: a deferred transaction that reads first and then writes
        cannot wait for the lock (SQLite returns SQLITE_BUSY at once, ignoring the busy
        timeout) when another process committed meanwhile; taking the write lock up front makes
        concurrent ingests queue instead. sqlite errors surface as StoreError naming the file.
        """
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StoreError(f"event store {str(self.path)!r} is closed")
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield conn
                    conn.execute("COMMIT")
                finally:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
            except sqlite3.Error as exc:
                raise StoreError(f"event store {str(self.path)!r}: {exc}") from exc

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            # Common case, checked without the write lock so opening the dashboard never waits
            # behind a running ingest.
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"event store {str(self.path)!r} has schema version {version}, but this"
                    f" Event Atlas only knows versions up to {SCHEMA_VERSION}; upgrade Event"
                    " Atlas or use another file"
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                _MIGRATIONS[number - 1](conn)
                conn.execute(f"PRAGMA user_version = {number}")  # PRAGMA takes no parameters
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def _check_event_columns(self, conn: sqlite3.Connection) -> None:
        # Fails loudly when a field is added to Event without a migration, instead of
        # dropping that field on every write.
        columns = {row["name"] for row in conn.execute("PRAGMA table_info(events)")}
        missing = [name for name in _EVENT_FIELDS if name not in columns]
        if missing:
            raise StoreError(
                f"event store {str(self.path)!r}: Event fields {missing} have no column in the"
                " events table; add a migration to geo/store.py"
            )

    @staticmethod
    def _insert_article(conn: sqlite3.Connection, article: Article) -> bool:
        # ON CONFLICT DO NOTHING (no target) covers both the id and the content_hash
        # uniqueness, atomically, so two processes racing on one article cannot both win.
        cur = conn.execute(
            "INSERT INTO articles (id, content_hash, published, title, source, url, origin, text, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                article.id,
                content_hash(article.text),
                article.published.isoformat() if article.published else None,
                article.title,
                article.source,
                article.url,
                article.origin,
                article.text,
                _now(),
            ),
        )
        return cur.rowcount == 1

    @staticmethod
    def _write_events(
        conn: sqlite3.Connection, article_id: str, events: list[Event], extractor_version: str
    ) -> None:
        wrong = [e.article_id for e in events if e.article_id != article_id]
        if wrong:
            raise ValueError(f"events of article {wrong[0]!r} passed for article {article_id!r}")
        conn.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
        conn.execute("UPDATE articles SET extracted_with = ? WHERE id = ?", (extractor_version, article_id))
        columns = ("article_id", "extractor_version", "event_key") + tuple(
            name for name in _EVENT_FIELDS if name != "article_id"
        )
        sql = f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        seen: dict[str, int] = {}
        rows = []
        for event in events:
            base = event_key(article_id, event.event_type, event.evidence_start)
            ordinal = seen.get(base, 0)
            seen[base] = ordinal + 1
            values = _encode_event(event)
            values.update(
                extractor_version=extractor_version,
                event_key=event_key(article_id, event.event_type, event.evidence_start, ordinal),
            )
            rows.append(tuple(values[c] for c in columns))
        conn.executemany(sql, rows)

    @staticmethod
    def _decode_event_row(row: sqlite3.Row) -> dict:
        d = {name: row[name] for name in _EVENT_FIELDS}
        for name in _JSON_FIELDS:
            d[name] = json.loads(d[name]) if d[name] is not None else None
        if d["verified"] is not None:
            d["verified"] = bool(d["verified"])
        return d


def _encode_event(event: Event) -> dict:
    d = event.to_dict()
    for name in _JSON_FIELDS:
        d[name] = json.dumps(d[name] if d[name] is not None else ([] if name == "actors" else {}))
    if d["verified"] is not None:
        d["verified"] = int(bool(d["verified"]))
    return d


def _validate_correction(field: str, value: object) -> object:
    """Return ``value`` normalised for ``field`` or raise ConfigurationError."""
    if field not in CORRECTABLE_FIELDS:
        raise ConfigurationError(
            f"cannot correct field {field!r}; correctable fields are {', '.join(CORRECTABLE_FIELDS)}"
        )
    if field == "event_type":
        if value not in EVENT_TYPES:
            raise ConfigurationError(
                f"unknown event type {value!r}; expected one of {', '.join(EVENT_TYPES)}"
            )
        return value
    if value is None:
        return None
    if field in ("lat", "lon"):
        limit = 90.0 if field == "lat" else 180.0
        # bool is an int subclass; True as a latitude is a bug, not 1 degree.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigurationError(f"{field} must be a number, got {value!r}")
        if not -limit <= value <= limit:
            raise ConfigurationError(f"{field} must be between {-limit:g} and {limit:g}, got {value!r}")
        return float(value)
    if field == "verified":
        if not isinstance(value, bool):
            raise ConfigurationError(f"verified must be True, False or None, got {value!r}")
        return value
    if field == "date":
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise ConfigurationError(f"date must be an ISO date YYYY-MM-DD, got {value!r}") from None
        return value
    if not isinstance(value, str):  # place, claimed_by, notes
        raise ConfigurationError(f"{field} must be a string or None, got {value!r}")
    return value
