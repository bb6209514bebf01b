"""Copying a store into another (`python -m geo copy-store FROM TO`), e.g. a local SQLite file
to the shared PostgreSQL server: articles with their events, corrections (authors and times
kept), ingest runs and feed state.

Idempotent: an article already in the target (same id or same text) is skipped with its events;
a correction, ingest run or feed run already there (same values) is not added again; feeds and
feed items are keyed by URL and link. Articles go over with their events in transactions of
`BATCH` articles; a batch that fails is retried article by article so the failure names the
article, and the rest is still copied. Row ids are the target's own (corrections keep their
order, which is what replaying them needs; events are found by ``event_key``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import StoreError

BATCH = 200


@dataclass
class CopyReport:
    copied: dict[str, int] = field(default_factory=dict)  # table -> rows added to the target
    present: dict[str, int] = field(default_factory=dict)  # table -> rows already there
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.copied.get(t, 0)} {t} copied ({self.present.get(t, 0)} already there)"
                 for t in ("articles", "events", "corrections", "ingest_runs", "feeds", "feed_items", "feed_runs")]
        return ", ".join(parts) + f", {len(self.failures)} failures"


def _rows(store, sql: str, params=()) -> list[dict]:
    with store._transaction(write=False) as conn:
        return [dict(r) for r in conn.execute(sql, params)]


def _insert(conn, table: str, row: dict, conflict: str = ""):
    cols = list(row)
    return conn.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}){conflict}",
        tuple(row[c] for c in cols))


def _copy_articles(source, target, report: CopyReport) -> None:
    have = target.article_ids()
    ids = sorted(source.article_ids())
    todo = [i for i in ids if i not in have]
    report.present["articles"] = len(ids) - len(todo)
    report.copied.setdefault("articles", 0)
    report.copied.setdefault("events", 0)
    for start in range(0, len(todo), BATCH):
        chunk = todo[start:start + BATCH]
        marks = ", ".join("?" * len(chunk))
        articles = _rows(source, f"SELECT * FROM articles WHERE id IN ({marks}) ORDER BY id", chunk)
        events: dict[str, list[dict]] = {}
        for ev in _rows(source, f"SELECT * FROM events WHERE article_id IN ({marks}) ORDER BY event_id", chunk):
            ev.pop("event_id")
            events.setdefault(ev["article_id"], []).append(ev)
        try:
            _write_articles(target, articles, events, report)
        except StoreError:
            for article in articles:  # again one by one, to name what fails
                try:
                    _write_articles(target, [article], events, report)
                except StoreError as exc:
                    report.failures.append(f"article {article['id']!r}: {exc}")


def _write_articles(target, articles: list[dict], events: dict[str, list[dict]], report: CopyReport) -> None:
    added = added_events = present = 0
    with target._transaction(write=True) as conn:
        for article in articles:
            if _insert(conn, "articles", article, " ON CONFLICT DO NOTHING").rowcount != 1:
                present += 1  # stored meanwhile, or the same text under another id
                continue
            rows = events.get(article["id"], [])
            if rows:
                cols = list(rows[0])
                conn.executemany(f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                 [tuple(r[c] for c in cols) for r in rows])
            added += 1
            added_events += len(rows)
    report.copied["articles"] += added
    report.copied["events"] += added_events
    report.present["articles"] = report.present.get("articles", 0) + present


def _without_id(row: dict) -> dict:
    row.pop("id", None)
    return row


def _copy_logged(source, target, table: str, report: CopyReport) -> None:
    """Rows without a natural key (corrections, runs), in their order: added unless an equal
    row (every column but the id) is there."""
    rows = [_without_id(r) for r in _rows(source, f"SELECT * FROM {table} ORDER BY id")]
    seen = {tuple(sorted(_without_id(r).items())) for r in _rows(target, f"SELECT * FROM {table}")}
    new = [r for r in rows if tuple(sorted(r.items())) not in seen]
    try:
        with target._transaction(write=True) as conn:
            for r in new:
                _insert(conn, table, r)
    except StoreError as exc:
        report.failures.append(f"{table}: {exc}")
        return
    report.copied[table] = len(new)
    report.present[table] = len(rows) - len(new)


def _copy_keyed(source, target, table: str, order: str, report: CopyReport) -> None:
    """Rows with a unique key (feeds by URL, feed items by feed and link): ON CONFLICT DO NOTHING."""
    rows = _rows(source, f"SELECT * FROM {table} ORDER BY {order}")
    added = 0
    try:
        with target._transaction(write=True) as conn:
            for r in map(_without_id, rows):
                added += _insert(conn, table, r, " ON CONFLICT DO NOTHING").rowcount == 1
    except StoreError as exc:
        report.failures.append(f"{table}: {exc}")
        return
    report.copied[table] = added
    report.present[table] = len(rows) - added


def copy_store(source, target) -> CopyReport:
    """Copy everything of `source` (an EventStore) that `target` lacks; see the module docstring."""
    report = CopyReport()
    _copy_articles(source, target, report)
    _copy_logged(source, target, "corrections", report)
    _copy_logged(source, target, "ingest_runs", report)
    _copy_keyed(source, target, "feeds", "url", report)
    _copy_keyed(source, target, "feed_items", "id", report)
    _copy_logged(source, target, "feed_runs", report)
    return report
