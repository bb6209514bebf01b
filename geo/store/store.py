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

This module is the store itself (connection, transactions, writes, ingest runs); the schema and
migrations are in ``schema``, the dashboard's frame in ``frame``, correction rules in ``corrections``.

Thread safety: one connection per :class:`EventStore`, opened with ``check_same_thread=False``
and guarded by a lock, so a single store may be shared between threads (Streamlit reruns a
script on different threads, e.g. under ``st.cache_resource``). Calls are serialised, not
parallel. Separate processes must each open their own ``EventStore``; never share one across
``fork``.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd

from .._files import utc_now as _now  # one copy for the store and the geocode cache
from ..errors import ConfigurationError, StoreError
from ..model import Article, Event
from .corrections import CORRECTABLE_FIELDS, validate_correction
from .dialect import is_url, open_backend
from .feeds import FeedState
from .frame import FRAME_COLUMNS, decode_frame, read_frame
from .schema import EVENT_FIELDS as _EVENT_FIELDS
from .schema import JSON_FIELDS as _JSON_FIELDS
from .schema import SCHEMA_VERSION, check_event_columns, migrate

__all__ = [
    "CORRECTABLE_FIELDS",  # from .corrections, .frame and .schema: one import for callers
    "FRAME_COLUMNS",
    "SCHEMA_VERSION",
    "EventStore",
    "content_hash",
    "event_key",
    "store_version",
]

DEFAULT_TIMEOUT_S = 30.0

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


class EventStore(FeedState):
    """Articles, their events, corrections and ingest runs in one SQLite file.

    Opening creates the file and its parent directories if needed and brings the schema up to
    date. Raises :class:`StoreError` (naming the path) if the file cannot be opened or was
    written by a newer Event Atlas. Use as a context manager or call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT_S,
                 create: bool = True) -> None:
        # `path`: a SQLite file, or a PostgreSQL URL (postgresql://user:password@host:port/dbname,
        # postgresql+psycopg://… too); see dialect. create=False: a missing SQLite file is an error.
        self._backend = backend = open_backend(path, timeout, create=create)
        self.location = path if is_url(path) else None
        self.path = getattr(backend, "path", None)  # the SQLite file; None for a server
        self.where = backend.where  # for messages (a URL's password masked)
        self._lock = threading.RLock()
        self._conn = None
        conn = backend.connect()
        try:
            migrate(conn, backend)  # one cheap read when up to date
            if not getattr(conn, "checked", False):
                check_event_columns(conn, backend)
                if hasattr(conn, "checked"):  # a pooled PostgreSQL connection: once is enough
                    conn.checked = True
        except BaseException as exc:
            conn.close()
            if isinstance(exc, backend.errors):
                raise StoreError(f"cannot open event store {self.where!r}: {_reason(exc)}") from exc
            raise
        self._conn = conn

    # ---------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the connection. Safe to call twice; later calls on the store raise StoreError."""
        with self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                self._backend.release(conn)  # PostgreSQL: back to the process's pool

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EventStore({self.where!r})"

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "sqlite" if self.location is None else "postgresql"

    @property
    def schema_version(self) -> int:
        """The applied migrations (``PRAGMA user_version``; PostgreSQL: the schema_version table)."""
        with self._transaction(write=False) as conn:
            return self._backend.get_version(conn)

    def data_version(self) -> tuple:
        """A value that changes whenever articles, events or corrections change (a cache key).

        Event and correction ids are never reused (AUTOINCREMENT / identity), so the newest ids
        with the counts catch additions, re-extractions and deletions."""
        with self._transaction(write=False) as conn:
            return tuple(conn.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT max(event_id) FROM events),"
                " (SELECT count(*) FROM events), (SELECT max(id) FROM corrections)").fetchone())

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
                raise StoreError(f"event store {self.where!r}: article {article_id!r} is not stored")
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
            raw, corrections = read_frame(conn, self._backend.query_frame)
        return decode_frame(raw, corrections)

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
        value = validate_correction(field, value)
        if not isinstance(author, str) or not author.strip():
            raise ConfigurationError(f"a correction needs an author, got {author!r}")
        with self._transaction(write=True) as conn:
            if conn.execute("SELECT 1 FROM events WHERE event_key = ? LIMIT 1", (event_key,)).fetchone() is None:
                raise ConfigurationError(f"no stored event has event_key {event_key!r}")
            return conn.execute(
                "INSERT INTO corrections (event_key, field, value_json, author, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (event_key, field, json.dumps(value), author, note, _now()),
            ).fetchone()[0]

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
            return conn.execute("INSERT INTO ingest_runs (started_at) VALUES (?) RETURNING id", (_now(),)).fetchone()[0]

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
                raise StoreError(f"event store {self.where!r}: no ingest run with id {run_id!r}")

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

    # ---------------------------------------------------------------- internals

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator:
        """Hold the lock and run the body in one short transaction, committing on success.

        How a transaction begins is the backend's (see dialect): SQLite writers take the write
        lock up front (BEGIN IMMEDIATE) so concurrent ingests queue; PostgreSQL reads see one
        snapshot and a lost connection is replaced before the body runs. Database errors
        surface as StoreError naming the store.
        """
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StoreError(f"event store {self.where!r} is closed")
            try:
                conn = self._conn = self._backend.begin(conn, write=write)
                try:
                    yield conn
                    conn.execute("COMMIT")
                finally:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
            except self._backend.errors as exc:
                raise StoreError(f"event store {self.where!r}: {_reason(exc)}") from exc

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


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def store_version(location: str | os.PathLike[str]) -> object:
    """A cache key that changes when the store at `location` changes: a SQLite file's (and its
    WAL's) modification time, read without opening it; on a server :meth:`EventStore.data_version`."""
    token = open_backend(location, DEFAULT_TIMEOUT_S, create=True).version_token()
    if token is not None:
        return token
    with EventStore(location) as store:
        return store.data_version()


def _encode_event(event: Event) -> dict:
    d = event.to_dict()
    for name in _JSON_FIELDS:
        d[name] = json.dumps(d[name] if d[name] is not None else ([] if name == "actors" else {}))
    if d["verified"] is not None:
        d["verified"] = int(bool(d["verified"]))
    return d
