"""The PostgreSQL backend on a real server (tests/pg_server.py): schema versions and migrations,
concurrent writers, a writer killed half-way, lost connections, clear errors, copy-store.

The backend-neutral behaviour (round trips, re-ingest adds nothing, corrections over
re-extraction, feed state, ...) runs on both backends in test_store.py."""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psycopg
import pytest

from geo.errors import StoreError
from geo.store import SCHEMA_VERSION, EventStore, copy_store, display_location, store_version
from tests.store.test_store import _ingest_worker, make_article, make_events

REPO = Path(__file__).resolve().parents[2]


def sql(url: str, statement: str, params=None):
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else None


def test_schema_version_table_and_types(pg_url):
    with EventStore(pg_url) as s:
        assert s.backend == "postgresql" and s.schema_version == SCHEMA_VERSION
        s.add_article_with_events(make_article(), make_events(), "v1")
    assert sql(pg_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    types = dict(sql(pg_url, "SELECT column_name, data_type FROM information_schema.columns"
                             " WHERE table_name = 'events'"))
    assert types["lat"] == types["confidence"] == "double precision"  # not float4
    assert types["event_id"] == "bigint"
    with EventStore(pg_url) as s:  # reopening applies nothing
        assert s.count_events() == 2 and s.events_frame()["lat"].tolist() == [49.99, 50.45]


def test_future_schema_version_raises(pg_url):
    EventStore(pg_url).close()
    sql(pg_url, "UPDATE schema_version SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}"):
        EventStore(pg_url)


def test_migration_from_version_2_adds_feed_tables_and_confidence(pg_url):
    with EventStore(pg_url) as s:
        s.add_article_with_events(make_article(), make_events(), "v1")
    sql(pg_url, "DROP TABLE feed_items; DROP TABLE feed_runs; DROP TABLE feeds; DROP INDEX articles_url;"
                " ALTER TABLE events DROP COLUMN confidence; UPDATE schema_version SET version = 2")
    with EventStore(pg_url) as s:
        assert s.schema_version == SCHEMA_VERSION and s.count_events() == 2
        assert s.stored_urls(["https://example.org/a1", "https://example.org/zz"]) == {"https://example.org/a1"}
        assert s.feed_state("http://f") is None
        assert s.events_frame()["confidence"].isna().all()


def test_a_failing_migration_leaves_the_old_version(pg_url, monkeypatch):
    from geo.store import schema

    def broken(conn):
        raise psycopg.errors.SyntaxError("boom")

    monkeypatch.setattr(schema, "_MIGRATIONS", [*schema._MIGRATIONS[:3], broken])
    with pytest.raises(StoreError, match="boom"):
        EventStore(pg_url)
    # Transactional DDL: nothing of migrations 1-3 stayed behind either.
    assert sql(pg_url, "SELECT to_regclass('articles'), to_regclass('schema_version')") == [(None, None)]


def test_concurrent_processes_add_articles(pg_url):
    # A new database: the processes also race on creating the schema (advisory lock).
    n = 30
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=3, mp_context=ctx) as pool:
        results = [f.result() for f in [pool.submit(_ingest_worker, pg_url, p, n) for p in ("p", "q", "r")]]
    assert results == [n, n, n]
    with EventStore(pg_url) as s:
        assert s.count_articles() == 3 * n and s.count_events() == 3 * n * 2


def test_racing_on_the_same_articles_stores_each_once(pg_url):
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        results = [f.result() for f in [pool.submit(_ingest_worker, pg_url, "same", 25) for _ in range(2)]]
    assert sum(results) == 25
    with EventStore(pg_url) as s:
        assert s.count_articles() == 25 and s.count_events() == 50


WRITER = textwrap.dedent("""
    import sys, time
    from geo.store import EventStore
    from tests.store.test_store import make_article, make_events
    with EventStore(sys.argv[1]) as s:
        for i in range(int(sys.argv[2])):
            aid = f"k-{i}"
            s.add_article_with_events(make_article(aid, f"report {i}. " + "x" * 50), make_events(aid), "v1")
            print(i, flush=True)
            time.sleep(float(sys.argv[3]))
""")


def test_writer_killed_half_way_completes_on_rerun(pg_url):
    n = 40
    proc = subprocess.Popen([sys.executable, "-c", WRITER, pg_url, str(n), "0.02"], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    for _ in range(10):
        proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with EventStore(pg_url) as s:
        stored = s.count_articles()
        assert 10 <= stored < n
        assert s.count_events() == 2 * stored  # every stored article has all its events
    done = subprocess.run([sys.executable, "-c", WRITER, pg_url, str(n), "0"], cwd=REPO, capture_output=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    with EventStore(pg_url) as s:
        assert s.count_articles() == n and s.count_events() == 2 * n  # no duplicates


def test_lost_connection_is_replaced(pg_url):
    with EventStore(pg_url) as s:
        s.add_article(make_article())
        pid = s._conn.raw.info.backend_pid
        sql(pg_url, "SELECT pg_terminate_backend(%s)", (pid,))
        time.sleep(0.2)
        assert s.article_ids() == {"a1"}  # a new connection, transparently
        assert s._conn.raw.info.backend_pid != pid


def test_connections_are_pooled(pg_url):
    with EventStore(pg_url) as s:
        pid = s._conn.raw.info.backend_pid
    with EventStore(pg_url) as s:
        assert s._conn.raw.info.backend_pid == pid


def test_server_down_is_a_clear_error(pg_server):
    url = f"postgresql://atlas:secret@127.0.0.1:{_closed_port()}/atlas"
    with pytest.raises(StoreError, match="cannot connect to event store") as info:
        EventStore(url)
    assert "secret" not in str(info.value) and "atlas:***@" in str(info.value)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unsupported_url_is_an_error_not_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="unsupported URL scheme 'mysql'"):
        EventStore("mysql://u@h/db")
    assert list(tmp_path.iterdir()) == []


def test_sqlalchemy_style_url(pg_url):
    with EventStore(pg_url.replace("postgresql://", "postgresql+psycopg://")) as s:
        assert s.schema_version == SCHEMA_VERSION


def test_display_masks_the_password():
    assert display_location("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert display_location("/tmp/x.db") == "/tmp/x.db"


def test_store_version_changes_with_writes(pg_url):
    EventStore(pg_url).close()
    before = store_version(pg_url)
    with EventStore(pg_url) as s:
        s.add_article_with_events(make_article(), make_events(), "v1")
        mid = store_version(pg_url)
        key = s.events_frame()["event_key"][0]
        s.add_correction(key, "place", "Chuhuiv", "ana")
    assert before != mid != store_version(pg_url)


def _fill(s) -> None:
    s.add_article_with_events(make_article("a1"), make_events("a1"), "v1")
    s.add_article_with_events(make_article("a2", "Another report. " + make_article().text), make_events("a2"), "v1")
    key = s.events_frame()["event_key"][0]
    s.add_correction(key, "place", "Chuhuiv", "ana", note="checked")
    s.add_correction(key, "verified", True, "bo")
    run = s.start_run()
    s.finish_run(run, files=1, articles=2, events=4, failures=[{"file": "x", "error": "y"}])
    s.record_feed_check("http://f/rss", title="F", etag='"e"', items=[{"link": "http://f/1"}, {"link": "http://f/2"}])
    s.record_feed_item("http://f/rss", "http://f/1", "stored")
    fr = s.start_feed_run()
    s.finish_feed_run(fr, feeds=1, not_modified=0, articles=1, events=2, failures=[])


@pytest.mark.parametrize("direction", ["sqlite->postgresql", "postgresql->sqlite"])
def test_copy_store_both_ways_idempotent(tmp_path, pg_url, direction):
    src_loc, dst_loc = (tmp_path / "a.db", pg_url)
    if direction == "postgresql->sqlite":
        src_loc, dst_loc = dst_loc, src_loc
    with EventStore(src_loc) as src:
        _fill(src)
        with EventStore(dst_loc) as dst:
            first = copy_store(src, dst)
            assert first.failures == [] and first.copied["articles"] == 2 and first.copied["events"] == 4
            assert first.copied["corrections"] == 2 and first.copied["feed_items"] == 2
            again = copy_store(src, dst)
            assert again.failures == [] and sum(again.copied.values()) == 0
            frame_src, frame_dst = src.events_frame(), dst.events_frame()
            cols = ["event_key", "place", "verified", "lat", "corrected_fields", "notes", "quantities", "title"]
            assert frame_src[cols].astype(str).values.tolist() == frame_dst[cols].astype(str).values.tolist()
            strip = [{k: v for k, v in c.items() if k != "id"} for c in src.corrections()]
            assert strip == [{k: v for k, v in c.items() if k != "id"} for c in dst.corrections()]
            assert [r["failures"] for r in dst.ingest_runs()] == [[{"file": "x", "error": "y"}]]
            assert dst.feed_state("http://f/rss")["etag"] == '"e"'
            assert [(i["link"], i["status"]) for i in dst.feed_items()] == [("http://f/1", "stored"),
                                                                            ("http://f/2", "pending")]
            assert len(dst.feed_runs()) == 1 and dst.schema_version == SCHEMA_VERSION


def test_copy_store_command(tmp_path, pg_url):
    src = tmp_path / "a.db"
    with EventStore(src) as s:
        _fill(s)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = [sys.executable, "-m", "geo", "copy-store"]
    done = subprocess.run([*run, src, pg_url], cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "2 articles copied" in done.stderr and "2 corrections copied" in done.stderr
    again = subprocess.run([*run, src, pg_url], cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0 and "0 articles copied (2 already there)" in again.stderr
    missing = subprocess.run([*run, tmp_path / "nope.db", pg_url], cwd=REPO, capture_output=True, text=True,
                             env=env, timeout=300)
    assert missing.returncode == 2 and "no event store at" in missing.stderr and "nope.db" in missing.stderr
    assert not (tmp_path / "nope.db").exists()
    down = subprocess.run([*run, src, f"postgresql://x:pw@127.0.0.1:{_closed_port()}/db"], cwd=REPO,
                          capture_output=True, text=True, env=env, timeout=300)
    assert down.returncode == 2 and "cannot connect" in down.stderr and "pw" not in down.stderr


def test_missing_server_binaries_are_named(tmp_path, monkeypatch):
    from tests.pg_server import PgServer, PgServerError

    monkeypatch.setenv("EVENT_ATLAS_PG_BINDIR", str(tmp_path))
    with pytest.raises(PgServerError, match="install Debian's postgresql package"):
        PgServer()
