"""Feed state in the store (issue #15): each feed's conditional-request validators and failures,
the items seen in it and what became of them, and the feed runs.

Kept apart from the article/event code of :mod:`geo.store.store`; :class:`EventStore` inherits
these methods, which use its transactions."""
from __future__ import annotations

import json
from collections.abc import Iterable

from .._files import utc_now as _now


class FeedState:
    """Feed-state methods of :class:`geo.store.EventStore` (needs its ``_transaction``)."""

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
            return conn.execute("INSERT INTO feed_runs (started_at) VALUES (?) RETURNING id", (_now(),)).fetchone()[0]

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
