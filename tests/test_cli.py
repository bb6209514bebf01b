"""The command-line contract later benchmarks rely on (run as real subprocesses)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REQUIRED = {"article_id", "event_type", "place", "lat", "lon", "country_code", "precision", "date",
            "claimed_by", "evidence", "border_distance_km"}


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def bundled_events(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "events.jsonl"
    res = run("extract", "data/articles", "--out", out)
    assert res.returncode == 0, res.stderr
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_extract_bundled_articles(bundled_events):
    assert len(bundled_events) >= 30
    for ev in bundled_events:
        assert REQUIRED <= ev.keys()
    by_place = {e["place"]: e for e in bundled_events}
    assert abs(by_place["Kotluban"]["border_distance_km"] - 299.1) < 1.0
    assert abs(by_place["Kharkiv"]["border_distance_km"] - 32.6) < 1.0
    assert abs(by_place["Belgorod"]["border_distance_km"] - 35.4) < 1.0
    assert by_place["Kotluban"]["border_side"] == "RU" and by_place["Kharkiv"]["border_side"] == "UA"


def test_extract_bad_input_gives_clear_message_and_nonzero_status(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    res = run("extract", bad, "--out", tmp_path / "o.jsonl")
    assert res.returncode == 2 and f"{bad}:1: malformed JSON" in res.stderr


def test_extract_partly_bad_input_keeps_the_good_articles(tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_text("not json\n" + json.dumps({"id": "a", "published": "2024-05-14",
                                             "text": "Drones struck Odesa on Tuesday."}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    res = run("extract", f, "--out", out)
    assert res.returncode == 1 and ":1: malformed JSON" in res.stderr
    assert [json.loads(x)["place"] for x in out.read_text().splitlines()] == ["Odesa"]


def test_ingest_is_idempotent(tmp_path):
    db = tmp_path / "store.db"
    first = run("ingest", "data/articles", "--db", db)
    assert first.returncode == 0, first.stderr
    assert "17 new articles" in first.stderr, first.stderr
    second = run("ingest", "data/articles", "--db", db)
    assert "0 new articles, 17 already stored, 0 events" in second.stderr, second.stderr


def test_toponyms_contract(tmp_path):
    src = tmp_path / "a.jsonl"
    text = "Explosions were heard in Belgorod and Kharkov."
    src.write_text(json.dumps({"id": "x", "text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "t.jsonl"
    assert run("toponyms", src, "--out", out).returncode == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [text[r["start"]:r["end"]] for r in rows] == ["Belgorod", "Kharkov"]
    assert rows[1]["country_code"] == "UA" and rows[1]["source"] == "gazetteer"


# --------------------------------------------------------------------------- PostgreSQL store (#14)


def test_every_store_command_on_postgresql(tmp_path, pg_url):
    import csv
    import io

    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in (
        {"id": "p1", "published": "2024-05-14", "text": "Drones struck Odesa on Tuesday."},
        {"id": "p2", "published": "2024-05-15", "text": "Missiles hit Kharkiv on Wednesday."},
    )) + "\n", encoding="utf-8")
    first = run("ingest", src, "--db", pg_url)
    assert first.returncode == 0 and "2 new articles" in first.stderr, first.stderr
    assert "postgresql://" in first.stderr
    again = run("ingest", src, "--db", pg_url)
    assert "0 new articles, 2 already stored, 0 events" in again.stderr, again.stderr
    out = tmp_path / "e.csv"
    assert run("export", "--format", "csv", "--db", pg_url, "--out", out).returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    odesa = next(r for r in rows if r["place"] == "Odesa")
    fix = run("correct", odesa["event_key"], "place", "Odessa region", "--author", "ana", "--db", pg_url)
    assert fix.returncode == 0, fix.stderr
    assert run("reextract", "--all", "--db", pg_url).returncode == 0
    env = {**os.environ, "EVENT_ATLAS_DB": pg_url}  # the environment variable works as --db does
    res = subprocess.run([sys.executable, "-m", "geo", "export", "--format", "csv", "--out", "-"], cwd=REPO,
                         capture_output=True, text=True, env=env, timeout=600)
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["place"] for r in rows if r["event_key"] == odesa["event_key"]] == ["Odessa region"]


def test_a_database_url_the_store_cannot_open_is_an_error_not_a_folder(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "Drones struck Odesa."}) + "\n", encoding="utf-8")
    for url, message in (("postgresql://user:pw@127.0.0.1:1/atlas", "cannot connect to event store"),
                         ("mysql://user@host/atlas", "unsupported URL scheme")):
        res = subprocess.run([sys.executable, "-m", "geo", "ingest", str(src), "--db", url], cwd=tmp_path,
                             capture_output=True, text=True, timeout=600,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
        assert res.returncode == 2 and message in res.stderr, res.stderr
        assert "pw" not in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]  # no folder named "postgresql:"
