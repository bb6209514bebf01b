"""Tests for geo.store: round trips, deduplication, corrections, schema versions, concurrency."""
from __future__ import annotations

import dataclasses
import multiprocessing
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from datetime import date

import pandas as pd
import pytest

from geo.errors import ConfigurationError, StoreError
from geo.model import Article, Event
from geo.store import (
    CORRECTABLE_FIELDS,
    FRAME_COLUMNS,
    SCHEMA_VERSION,
    EventStore,
    content_hash,
    event_key,
)

TEXT = "Missiles struck a depot near Kharkiv on Monday. Air defence intercepted two drones over Kyiv."


def make_article(article_id: str = "a1", text: str = TEXT) -> Article:
    return Article(
        id=article_id,
        text=text,
        published=date(2024, 5, 6),
        title="Overnight attacks",
        source="Example Wire",
        url=f"https://example.org/{article_id}",
        origin="data/articles/sample.jsonl",
    )


def make_events(article_id: str = "a1") -> list[Event]:
    return [
        Event(
            article_id=article_id,
            event_type="strike",
            evidence="Missiles struck a depot near Kharkiv on Monday.",
            evidence_start=0,
            evidence_end=47,
            place="Kharkiv",
            lat=49.99,
            lon=36.23,
            country_code="UA",
            admin1="Kharkivska",
            precision="place",
            date="2024-05-06",
            date_precision="day",
            sub_type="missile",
            claimed_by=None,
            verified=None,
            actors=["Russia"],
            quantities={"missiles": 3},
            geonameid=706483,
            geo_source="gazetteer",
            border_distance_km=31.5,
            border_side="UA",
        ),
        Event(
            article_id=article_id,
            event_type="interception",
            evidence="Air defence intercepted two drones over Kyiv.",
            evidence_start=48,
            evidence_end=93,
            place="Kyiv",
            lat=50.45,
            lon=30.52,
            verified=True,
            quantities={"drones": 2},
        ),
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    """A new store's location on each backend: a SQLite file, a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "events.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(location):
    with EventStore(location) as s:
        yield s


def test_article_and_events_round_trip(store):
    article, events = make_article(), make_events()
    assert store.add_article_with_events(article, events, "v1") is True

    assert store.article("a1") == article
    assert store.article("missing") is None
    assert store.article_ids() == {"a1"}
    assert store.article_events("a1") == events
    assert (store.count_articles(), store.count_events()) == (1, 2)

    frame = store.events_frame()
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert len(frame) == 2
    strike = frame[frame.event_type == "strike"].iloc[0]
    assert strike.lat == pytest.approx(49.99)
    assert strike.actors == ["Russia"]
    assert strike.quantities == {"missiles": 3}
    assert strike.date == "2024-05-06"  # stays an ISO string
    assert strike.geonameid == 706483
    assert pd.isna(strike.verified)
    assert (strike.title, strike.url, strike.source, strike.published) == (
        "Overnight attacks",
        "https://example.org/a1",
        "Example Wire",
        "2024-05-06",
    )
    assert strike.event_key == event_key("a1", "strike", 0)
    assert strike.extractor_version == "v1"
    assert strike.corrected_fields == ""
    assert bool(frame[frame.event_type == "interception"].iloc[0].verified) is True


def test_every_event_field_is_a_column(store):
    # Guards against adding a field to Event without a migration.
    frame = store.events_frame()
    for f in dataclasses.fields(Event):
        assert f.name in frame.columns


def test_readding_the_same_article_adds_nothing(store):
    assert store.add_article_with_events(make_article(), make_events(), "v1") is True
    # Same id, different text.
    assert store.add_article(make_article(text="Something else entirely.")) is False
    # Same text modulo whitespace, different id.
    rewrapped = TEXT.replace(" Air defence", "\n\n  Air   defence")
    assert content_hash(rewrapped) == content_hash(TEXT)
    assert store.add_article(make_article("a2", rewrapped)) is False
    # Duplicate with events: neither the article nor the events are written.
    assert store.add_article_with_events(make_article("a3"), make_events("a3"), "v2") is False
    assert store.article_ids() == {"a1"}
    assert store.count_events() == 2
    assert store.article("a1").text == TEXT
    # A genuinely new article is still accepted.
    assert store.add_article(make_article("a4", "A different report.")) is True


def test_reextraction_keeps_corrections(store):
    store.add_article_with_events(make_article(), make_events(), "v1")
    key = event_key("a1", "strike", 0)
    store.add_correction(key, "lat", 50.0, author="reviewer")
    store.add_correction(key, "lon", 36.3, author="reviewer")
    store.add_correction(key, "event_type", "explosion", author="reviewer", note="no missile seen")
    store.add_correction(key, "notes", "checked against satellite imagery", author="reviewer")

    def corrected_row():
        frame = store.events_frame()
        return frame[frame.event_key == key].iloc[0]

    row = corrected_row()
    assert (row.lat, row.lon, row.event_type) == (50.0, 36.3, "explosion")
    assert row.notes == "checked against satellite imagery"
    assert row.corrected_fields == "event_type,lat,lon,notes"

    # Re-extract with a new extractor: new rows, new event_ids, slightly different output.
    old_ids = set(store.events_frame().event_id)
    new_events = make_events()
    new_events[0] = dataclasses.replace(new_events[0], lat=49.5, lon=36.0, sub_type=None)
    store.replace_events("a1", new_events, "v2")

    row = corrected_row()
    assert row.event_id not in old_ids
    assert row.extractor_version == "v2"
    assert (row.lat, row.lon, row.event_type) == (50.0, 36.3, "explosion")
    assert pd.isna(row.sub_type)  # uncorrected fields come from the new extraction
    assert len(store.corrections(key)) == 4
    assert store.article_events("a1") == new_events  # raw events stay uncorrected


def test_later_correction_wins_and_none_clears(store):
    store.add_article_with_events(make_article(), make_events(), "v1")
    key = event_key("a1", "interception", 48)
    store.add_correction(key, "verified", False, author="a")
    store.add_correction(key, "verified", None, author="b")
    store.add_correction(key, "place", None, author="b")
    row = store.events_frame().set_index("event_key").loc[key]
    assert pd.isna(row.verified)
    assert pd.isna(row.place)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("evidence", "x"),
        ("event_type", "riot"),
        ("event_type", None),
        ("lat", 91.0),
        ("lon", "36.2"),
        ("lat", True),
        ("verified", "yes"),
        ("date", "06/05/2024"),
        ("date", "2024-02-30"),
    ],
)
def test_invalid_corrections_are_rejected(store, field, value):
    store.add_article_with_events(make_article(), make_events(), "v1")
    with pytest.raises(ConfigurationError) as info:
        store.add_correction(event_key("a1", "strike", 0), field, value, author="r")
    assert isinstance(info.value, ValueError)
    assert repr(value) in str(info.value) or repr(field) in str(info.value)
    assert store.corrections() == []


def test_correction_for_unknown_event_is_rejected(store):
    with pytest.raises(ConfigurationError, match="nope"):
        store.add_correction("nope", "lat", 1.0, author="r")


def test_correctable_fields_match_the_frame():
    assert set(CORRECTABLE_FIELDS) <= set(FRAME_COLUMNS)


def test_events_of_one_sentence_get_distinct_keys(store):
    first, second = make_events()[0], dataclasses.replace(make_events()[0], place="Izium")
    store.add_article_with_events(make_article(), [first, second], "v1")
    keys = list(store.events_frame().event_key)
    assert keys == [event_key("a1", "strike", 0), event_key("a1", "strike", 0, ordinal=1)]


def test_replace_events_for_unknown_article_raises(store):
    with pytest.raises(StoreError, match="ghost"):
        store.replace_events("ghost", [], "v1")


def test_replace_events_rejects_foreign_events_atomically(store):
    store.add_article_with_events(make_article(), make_events(), "v1")
    with pytest.raises(ValueError):
        store.replace_events("a1", make_events("other"), "v2")
    assert store.count_events() == 2  # the delete was rolled back


def test_stale_article_ids(store):
    store.add_article_with_events(make_article(), make_events(), "v1")
    store.add_article(make_article("a2", "Nothing happened."))
    store.add_article_with_events(make_article("a3", "Quiet day."), [], "v2")
    assert store.stale_article_ids("v2") == {"a1", "a2"}


def test_empty_store_frame_has_columns(store):
    frame = store.events_frame()
    assert frame.empty
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert {"event_id", "title", "url", "source", "published", "notes", "lat", "date"} <= set(frame.columns)


def test_frame_dtypes_do_not_depend_on_content(store):
    empty = store.events_frame().dtypes
    store.add_article_with_events(make_article(), make_events(), "v1")
    assert store.events_frame().dtypes.equals(empty)


def test_schema_version_set_and_reopen(tmp_path):
    path = tmp_path / "events.db"
    with EventStore(path) as s:
        assert s.schema_version == SCHEMA_VERSION >= 1
        s.add_article_with_events(make_article(), make_events(), "v1")
    with EventStore(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.count_events() == 2
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_future_schema_version_raises(tmp_path):
    path = tmp_path / "events.db"
    EventStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}"):
        EventStore(path)


def test_foreign_keys_cascade(store):
    store.add_article_with_events(make_article(), make_events(), "v1")
    # No public delete yet; exercising the schema proves foreign_keys is on for the connection.
    with store._transaction(write=True) as conn:
        conn.execute("DELETE FROM articles WHERE id = 'a1'")
    assert store.count_events() == 0


def test_ingest_runs(store):
    run = store.start_run()
    assert store.ingest_runs()[0]["finished_at"] is None
    store.finish_run(run, files=2, articles=5, events=9, failures=[{"file": "x.jsonl", "error": "bad"}])
    (logged,) = store.ingest_runs()
    assert (logged["id"], logged["files"], logged["articles"], logged["events"]) == (run, 2, 5, 9)
    assert logged["failures"] == [{"file": "x.jsonl", "error": "bad"}]
    assert logged["finished_at"] is not None
    with pytest.raises(StoreError):
        store.finish_run(run + 100, 0, 0, 0, [])


def test_closed_store_raises(tmp_path):
    s = EventStore(tmp_path / "events.db")
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        s.count_events()


def test_parent_directories_are_created(tmp_path):
    path = tmp_path / "nested" / "dir" / "events.db"
    with EventStore(path) as s:
        assert s.count_articles() == 0
    assert path.exists()


def test_directory_path_raises_store_error(tmp_path):
    with pytest.raises(StoreError, match=str(tmp_path)) as info:
        EventStore(tmp_path)
    assert isinstance(info.value.__cause__, sqlite3.Error)


def test_path_under_a_file_raises_store_error(tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="not_a_dir"):
        EventStore(blocker / "events.db")


def test_non_database_file_raises_store_error(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not a sqlite file" * 100)
    with pytest.raises(StoreError, match="garbage.db") as info:
        EventStore(path)
    assert isinstance(info.value.__cause__, sqlite3.Error)


def _ingest_worker(path: str, prefix: str, n: int) -> int:
    # Module level so spawned processes can import it.
    with EventStore(path) as s:
        added = 0
        for i in range(n):
            article_id = f"{prefix}-{i}"
            article = make_article(article_id, f"{prefix} report number {i}. {TEXT}")
            added += s.add_article_with_events(article, make_events(article_id), "v1")
            if i % 5 == 0:
                s.events_frame()  # interleave reads with the other process's writes
        return added


def test_concurrent_processes_add_articles(tmp_path):
    # The file does not exist yet, so the processes also race on creating the schema.
    path = str(tmp_path / "shared" / "events.db")
    n = 40
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=3, mp_context=ctx) as pool:
        futures = [pool.submit(_ingest_worker, path, prefix, n) for prefix in ("p", "q", "r")]
        results = [f.result() for f in futures]  # re-raises any exception from a worker
    assert results == [n, n, n]
    with EventStore(path) as s:
        assert s.count_articles() == 3 * n
        assert s.count_events() == 3 * n * 2
        assert s.article_ids() == {f"{p}-{i}" for p in ("p", "q", "r") for i in range(n)}


def test_store_is_usable_from_another_thread(store):
    import threading

    errors = []

    def work():
        try:
            store.add_article(make_article("t1", "From a thread."))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert errors == []
    assert store.article_ids() == {"t1"}


# --------------------------------------------------------------------------- feed state (#15)


def test_migration_from_version_2_adds_feed_tables_and_confidence(tmp_path):
    path = tmp_path / "old.db"
    with EventStore(path) as s:
        s.add_article_with_events(make_article(), make_events(), "v1")
    conn = sqlite3.connect(path)
    for table in ("feeds", "feed_items", "feed_runs"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP INDEX articles_url")
    conn.execute("ALTER TABLE events DROP COLUMN confidence")  # migration 4 (#11)
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with EventStore(path) as s:
        assert s.schema_version == SCHEMA_VERSION and s.count_events() == 2
        assert s.stored_urls(["https://example.org/a1", "https://example.org/zz"]) == {"https://example.org/a1"}
        assert s.feed_state("http://f") is None
        assert s.events_frame()["confidence"].isna().all()  # old events: unknown until re-extracted


def test_feed_check_state_and_items(store):
    url = "http://news.example/rss"
    items = [{"link": "http://news.example/1", "title": "one", "published": "2024-05-14"},
             {"link": "http://news.example/2"}]
    store.record_feed_check(url, title="Desk", etag='"e1"', last_modified="Tue, 14 May 2024 10:00:00 GMT", items=items)
    state = store.feed_state(url)
    assert (state["title"], state["etag"], state["status"], state["failures"]) == ("Desk", '"e1"', "ok", 0)
    assert [i["link"] for i in store.pending_feed_items(url, 3)] == ["http://news.example/1", "http://news.example/2"]

    store.record_feed_check(url, error="timeout after 20 s")
    store.record_feed_check(url, error="HTTP 503 Service Unavailable")
    state = store.feed_state(url)
    assert (state["status"], state["failures"], state["error"]) == ("failed", 2, "HTTP 503 Service Unavailable")
    assert state["etag"] == '"e1"' and state["failed_at"]  # validators survive failures

    store.record_feed_check(url, not_modified=True)
    state = store.feed_state(url)
    assert (state["status"], state["failures"], state["error"], state["etag"]) == ("not_modified", 0, None, '"e1"')

    store.record_feed_item(url, "http://news.example/1", "stored")
    for _ in range(2):
        store.record_feed_item(url, "http://news.example/2", "failed", "HTTP 500 Internal Server Error")
    assert [i["link"] for i in store.pending_feed_items(url, 3)] == ["http://news.example/2"]
    assert store.pending_feed_items(url, 2) == []
    # A later check listing the same items again adds nothing and resets nothing.
    store.record_feed_check(url, title="Desk", etag='"e2"', items=items)
    by_link = {i["link"]: i for i in store.feed_items(url)}
    assert by_link["http://news.example/1"]["status"] == "stored"
    assert by_link["http://news.example/2"]["attempts"] == 2
    with pytest.raises(ValueError):
        store.record_feed_item(url, "http://news.example/1", "bogus")


def test_feed_runs_and_newest_article(store):
    assert store.newest_article() == {"added_at": None, "published": None}
    run = store.start_feed_run()
    assert store.feed_runs()[0]["finished_at"] is None
    store.finish_feed_run(run, feeds=3, not_modified=1, articles=2, events=5, failures=["x: timeout"], stopped=True)
    (logged,) = store.feed_runs()
    assert (logged["feeds"], logged["articles"], logged["failures"], logged["stopped"]) == (3, 2, ["x: timeout"], True)
    store.add_article_with_events(make_article(), make_events(), "v1")
    newest = store.newest_article()
    assert newest["published"] == "2024-05-06" and newest["added_at"]


def test_confidence_is_stored_and_read_back(store):
    """#11: the extractor's confidence survives the store (and is None where nobody gave one)."""
    events = make_events()
    events[0].confidence = 0.72
    store.add_article_with_events(make_article(), events, "v1")
    frame = store.events_frame().sort_values("evidence_start")
    assert frame["confidence"].tolist()[0] == pytest.approx(0.72) and pd.isna(frame["confidence"].tolist()[1])
