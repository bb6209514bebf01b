"""Ingest: real formats, bad input (each a test), faults (concurrent writers, SIGKILL)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.ingest import ingest_files
from geo.store.store import EventStore

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOOD = json.dumps({"id": "good", "published": "2024-05-14", "text": "Russian drones struck Odesa on Tuesday."})


def cli(*args, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600, **kw)


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "s.db") as s:
        yield s


def good_file(tmp_path) -> Path:
    f = tmp_path / "good.jsonl"
    f.write_text(GOOD + "\n", encoding="utf-8")
    return f


# -- bad input: each gives a message naming the file and the reason; the good file still lands --
BAD_INPUTS = {
    "binary": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "empty": ("empty.txt", b"", "empty file"),
    "malformed json line": ("lines.jsonl", b'{"id": "x", "text": "Drones hit Kyiv."}\n{broken\n', ":2: malformed JSON"),
    "csv missing columns": ("acled.csv", b"event_date,latitude\n2024-05-01,50\n", "missing column(s) event_type"),
    "html without text": ("page.html", b"<html><script>alert(1)</script></html>", "no article text"),
    "unsupported type": ("slides.pptx", b"PK\x03\x04", "unsupported file type"),
}


@pytest.mark.parametrize("name,content,reason", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_reported_and_the_rest_ingested(tmp_path, store, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)
    report = ingest_files([bad, good_file(tmp_path)], store)
    assert any(str(bad) in f and reason in f for f in report.failures), report.failures
    assert "good" in store.article_ids()


def test_malformed_line_keeps_the_other_lines(tmp_path, store):
    f = tmp_path / "lines.jsonl"
    f.write_text('{broken\n' + GOOD + "\n", encoding="utf-8")
    report = ingest_files([f], store)
    assert report.failures == [f"{f}:1: malformed JSON (Expecting property name enclosed in double quotes)"]
    assert store.article_ids() == {"good"}


def test_invalid_utf8_is_ingested_with_replacement_and_reported(tmp_path, store):
    f = tmp_path / "report-2024-05-14.txt"
    f.write_bytes(b"Russian drones struck Odesa on Tuesday, caf\xe9 damaged.")
    report = ingest_files([f], store)
    assert report.failures == [] and any("invalid UTF-8" in w and str(f) in w for w in report.warnings)
    assert "\ufffd" in store.article("report-2024-05-14").text


def test_file_over_the_size_limit_is_refused(tmp_path, store, monkeypatch):
    monkeypatch.setenv("EVENT_ATLAS_MAX_FILE_MB", "0.001")
    big = tmp_path / "big.txt"
    big.write_text("Drones struck Odesa. " * 200, encoding="utf-8")
    report = ingest_files([big], store)
    assert "over the 1,000-byte limit" in report.failures[0] and str(big) in report.failures[0]


def test_html_scripts_never_reach_the_article_text(tmp_path, store):
    page = tmp_path / "news-2024-05-14.html"
    page.write_text(
        "<html><head><title>Drones hit Odesa</title><script>alert('x')</script></head><body>"
        "<nav>Home | World</nav><article><h1>Drones hit Odesa</h1>"
        "<p>Russian drones struck the port of Odesa on Tuesday, damaging warehouses, the regional governor said.</p>"
        "<p><img src=x onerror=alert(1)>Emergency services worked through the night to put out the fires.</p>"
        "</article><script>document.write('evil')</script></body></html>", encoding="utf-8")
    report = ingest_files([page], store)
    assert report.failures == []
    art = store.article("news-2024-05-14")
    assert "Odesa" in art.text and "alert" not in art.text and "evil" not in art.text and "<" not in art.text
    assert art.title == "Drones hit Odesa"
    assert (store.events_frame()["place"] == "Odesa").any()


# -- event tables analysts already have ---------------------------------------------------------
def test_acled_export_rows_become_events_with_their_precision(store):
    report = ingest_files([DATA / "acled_sample.csv"], store)
    assert report.failures == [] and report.articles == 3
    assert any("Protests / Peaceful protest" in w for w in report.warnings)  # not guessed, reported
    df = store.events_frame().set_index("place")
    assert df.loc["Vovchansk", "event_type"] == "ground_fighting" and df.loc["Vovchansk", "precision"] == "place"
    assert df.loc["Lyptsi", "precision"] == "region" and df.loc["Lyptsi", "acled_sub_event_type"] == "Air/drone strike"
    assert df.loc["Belgorod", "quantities"] == {"killed": 15} and df.loc["Belgorod", "border_side"] == "RU"
    assert abs(df.loc["Vovchansk", "border_distance_km"] - 5.5) < 0.5
    again = ingest_files([DATA / "acled_sample.csv"], store)
    assert again.articles == 0 and again.known == 3 and store.count_events() == 3


def test_gdelt_export_rows_become_events(store):
    report = ingest_files([DATA / "gdelt_sample.export.CSV"], store)
    assert report.failures == [] and report.articles == 2  # CAMEO 0211 (appeal) is not one of our types
    df = store.events_frame().set_index("article_id")
    assert df.loc["gdelt:1150000001", "event_type"] == "strike" and df.loc["gdelt:1150000001", "date"] == "2024-05-14"
    assert df.loc["gdelt:1150000002", "event_type"] == "diplomacy"


# -- faults -------------------------------------------------------------------------------------
def _articles_file(path: Path, prefix: str, n: int) -> Path:
    towns = ["Kharkiv", "Odesa", "Belgorod", "Vovchansk", "Kherson", "Sumy", "Dnipro", "Kupiansk"]
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"{prefix}-{i}", "published": "2024-05-14",
                                "text": f"Report {prefix} {i}: Russian drones struck {towns[i % len(towns)]}"
                                        " on Monday."}) + "\n")
    return path


def test_two_ingests_at_once_plus_a_reader_lose_and_duplicate_nothing(tmp_path):
    db = tmp_path / "shared.db"
    a = _articles_file(tmp_path / "a.jsonl", "a", 40)
    b = _articles_file(tmp_path / "b.jsonl", "b", 40)
    both = _articles_file(tmp_path / "both.jsonl", "c", 20)  # given to both writers
    procs = [subprocess.Popen([sys.executable, "-m", "geo", "ingest", f, both, "--db", db], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in (a, b)]
    reads = 0
    while any(p.poll() is None for p in procs):
        if db.exists():
            with EventStore(db) as reader:  # the app reading meanwhile
                reader.events_frame()
                reads += 1
        time.sleep(0.2)
    for p in procs:
        out, err = p.communicate()
        assert p.returncode == 0, err
        assert "database is locked" not in err
    with EventStore(db) as s:
        assert s.count_articles() == 100
        frame = s.events_frame()
        assert len(frame) == 100 and frame["article_id"].is_unique


def test_sigkill_half_way_leaves_a_consistent_store_and_a_rerun_completes(tmp_path):
    db = tmp_path / "killed.db"
    src = _articles_file(tmp_path / "many.jsonl", "k", 400)
    p = subprocess.Popen([sys.executable, "-m", "geo", "ingest", src, "--db", db], cwd=REPO,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline:
        if db.exists():
            with EventStore(db) as s:
                if s.count_articles() >= 20:
                    break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    with EventStore(db) as s:
        n = s.count_articles()
        assert 20 <= n < 400
        frame = s.events_frame()
        assert set(frame["article_id"]) == s.article_ids()  # no article without its event
    rerun = cli("ingest", src, "--db", db)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{400 - n} new articles, {n} already stored" in rerun.stderr
    with EventStore(db) as s:
        assert s.count_articles() == 400 and s.count_events() == 400


def test_export_cli_writes_every_format_and_neutralises_formulas(tmp_path):
    import csv
    import xml.etree.ElementTree as ET

    db = tmp_path / "x.db"
    assert cli("ingest", DATA / "acled_sample.csv", "--db", db).returncode == 0
    for fmt in ("csv", "geojson", "kml"):
        out = tmp_path / f"events.{fmt}"
        res = cli("export", "--format", fmt, "--db", db, "--out", out)
        assert res.returncode == 0, res.stderr
        if fmt == "csv":
            rows = list(csv.DictReader(out.open(encoding="utf-8")))
            assert len(rows) == 3
            assert all(not str(v).startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
        elif fmt == "geojson":
            assert len(json.loads(out.read_text())["features"]) == 3
        else:
            assert len(ET.parse(out).getroot().findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == 3


def test_reextraction_keeps_analyst_corrections(tmp_path, monkeypatch):
    import geo.pipeline as pipeline

    db = tmp_path / "c.db"
    src = tmp_path / "one.jsonl"
    src.write_text(GOOD + "\n", encoding="utf-8")
    assert cli("ingest", src, "--db", db).returncode == 0
    with EventStore(db) as s:
        key = s.events_frame()["event_key"][0]
    res = cli("correct", key, "lat", "46.5", "--json", "--author", "analyst@example.org",
              "--note", "port, not centre", "--db", db)
    assert res.returncode == 0, res.stderr
    verified = cli("correct", key, "verified", "true", "--json", "--author", "analyst@example.org", "--db", db)
    assert verified.returncode == 0
    with EventStore(db) as s:
        n = pipeline.reextract(s, everything=False, extractor_version="rules-next")  # a newer extractor
        assert n == 1
        row = s.events_frame().iloc[0]
        assert row["lat"] == 46.5 and bool(row["verified"]) is True and row["extractor_version"] == "rules-next"
        (corr,) = [c for c in s.corrections(key) if c["field"] == "lat"]
        assert corr["author"] == "analyst@example.org" and corr["note"] == "port, not centre"


@pytest.mark.parametrize("failure", ["down", "slow", "429"])
def test_geocoder_failure_degrades_to_offline_and_retry_completes_later(tmp_path, failure):
    from tests.nominatim_stub import NominatimStub, http_error, place, rate_limited, slow

    village = "Kvitkovyi Yar"  # made up: in no gazetteer
    stub_places = {village.casefold(): place(f"{village}, Kharkiv Oblast, Ukraine", 50.2312, 37.0417,
                                             osm_type="node", osm_id=1, place_id=1, category="place",
                                             type_="village", addresstype="village")}
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(d) for d in [
        {"id": "v", "published": "2024-05-14",
         "text": f"Russian troops captured the village of {village}, the ministry said. Drones struck Kharkiv."},
        {"id": "w", "published": "2024-05-14", "text": "Drones struck Sumy overnight, the governor said."},
    ]) + "\n", encoding="utf-8")
    db = tmp_path / "g.db"
    with NominatimStub(stub_places) as stub:
        stub.always({"down": http_error(500), "slow": slow(4.0), "429": rate_limited(3600)}[failure])
        env = {"EVENT_ATLAS_ONLINE": "1", "EVENT_ATLAS_GEOCODER_URL": f"http://{stub.domain}",
               "EVENT_ATLAS_USER_AGENT": "event-atlas-tests/1.0 (tests@example.org)",
               "EVENT_ATLAS_GEOCODER_TIMEOUT": "1"}
        first = cli("ingest", src, "--db", db, env=env)
        assert first.returncode == 0, first.stderr
        with EventStore(db) as s:
            frame = s.events_frame()
        assert "Kharkiv" in set(frame["place"])           # offline results landed
        assert village not in set(frame["place"])
        stub.heal()
        retry = cli("geocode", "--retry", "--db", db, env=env)
        assert retry.returncode == 0, retry.stderr
        assert "1 answered, 0 still failing" in retry.stderr
        assert "re-extracted 1 articles" in retry.stderr  # only the article naming the village
    with EventStore(db) as s:
        frame = s.events_frame().set_index("place")
    assert frame.loc[village, "event_type"] == "territorial_change"
    # Re-extraction is answered from the persistent cache: no second request for the same query.
    assert abs(frame.loc[village, "lat"] - 50.2312) < 1e-3 and frame.loc[village, "geo_source"] == "cache"


def test_odd_acled_rows_are_reported_and_the_rest_imported(tmp_path, store):
    header = ",".join(["event_id_cnty", *__import__("geo.formats.tables", fromlist=["x"]).ACLED_COLUMNS])
    good = 'UKR1,2024-05-10,Battles,Armed clash,A,B,Kharkiv,Vovchansk,50.29,36.94,1,Src,"",0'
    same_notes = 'UKR2,2024-05-11,Battles,Armed clash,A,B,Kharkiv,Vovchansk,50.29,36.94,1,Src,"",0'
    short = "UKR3,2024-05-01"
    inf = 'UKR4,2024-05-12,Battles,Armed clash,A,B,Kharkiv,Vovchansk,inf,36.94,1,Src,"",0'
    f = tmp_path / "acled.csv"
    f.write_text("\n".join([header, good, same_notes, short, inf]) + "\n", encoding="utf-8")
    report = ingest_files([f], store)
    assert report.articles == 2 and store.count_events() == 2  # same notes, other day: both kept
    assert any(":4: row has fewer columns" in p for p in report.failures)
    assert any(":5: latitude is out of range: 'inf'" in p for p in report.failures)


def test_malformed_sidecar_metadata_is_reported_not_raised(tmp_path, store):
    art = tmp_path / "a-2024-05-14.txt"
    art.write_text("Drones struck Odesa.", encoding="utf-8")
    (tmp_path / "a-2024-05-14.meta.json").write_text("[]", encoding="utf-8")
    report = ingest_files([art, good_file(tmp_path)], store)
    assert any("metadata must be a JSON object" in p for p in report.failures) and "good" in store.article_ids()


# -- #19 smaller items --
def test_ingest_does_not_follow_symlinks_out_of_the_folder_given(tmp_path, store):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret notes: drones struck Odesa on Tuesday.", encoding="utf-8")
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.jsonl").write_text(GOOD + "\n", encoding="utf-8")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "linked-dir").symlink_to(outside, target_is_directory=True)
    (folder / "inner.txt").write_text("Drones struck Kyiv on Monday.", encoding="utf-8")
    (folder / "alias.txt").symlink_to(folder / "inner.txt")  # inside the folder: fine
    report = ingest_files([folder], store)
    ids = store.article_ids()
    assert "good" in ids and ids & {"inner", "alias"}  # the same text, stored once
    assert "secret" not in ids and "link" not in ids
    assert any("link.txt: symbolic link out of" in w for w in report.warnings)
    assert any("linked-dir: symbolic link out of" in w for w in report.warnings)


def test_cli_output_shows_control_characters_of_file_names_escaped(tmp_path):
    bad = tmp_path / "evil\x1b]0;owned\x07\x1b[2J\rfake.txt"
    bad.write_bytes(b"")  # empty: refused by name
    res = cli("ingest", bad, "--db", tmp_path / "s.db")
    assert res.returncode == 1
    assert "empty file" in res.stderr and "\\x1b]0;owned\\x07" in res.stderr
    assert not any(c in res.stderr for c in "\x1b\x07\r")


def test_poison_pills_are_named_problems_and_the_rest_is_stored(tmp_path, store):
    """#19 item 4: each used to abort the whole batch (and the re-run failed at the same place)."""
    from geo.formats.tables import ACLED_COLUMNS

    lines = [
        json.dumps({"id": "overflow", "published": "2024-05-14",
                    "text": "Russian drones struck Odesa 1000000 days ago, officials said."}),
        "[" * 100_000 + "]" * 100_000,  # deeply nested JSON
        json.dumps({"id": "huge", "published": "2024-05-14", "text": "Drones struck Kyiv. " * 60_000}),  # > 1M chars
        GOOD,
    ]
    articles = tmp_path / "batch.jsonl"
    articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    header = ",".join(["event_id_cnty", *ACLED_COLUMNS])
    row = 'UKR{},2024-05-10,Battles,Armed clash,A,B,Kharkiv,Vovchansk,50.29,36.94,1,Src,"{}",0'
    acled = tmp_path / "acled.csv"
    acled.write_text("\n".join([header, row.format(1, "x" * 140_000), row.format(2, "fine")]) + "\n", encoding="utf-8")
    for _ in range(2):  # a re-run completes too
        report = ingest_files([articles, acled], store)
        failures = "\n".join(report.failures)
        assert f"{articles}:2: JSON nested too deeply" in failures
        assert "batch.jsonl:3: not extracted: 1,200,000 characters, over the parser's limit" in failures
        assert f"{acled}:2: unreadable CSV row (field larger than field limit" in failures
    ids = store.article_ids()
    assert {"good", "overflow", "acled:UKR2"} <= ids and "huge" not in ids


def test_an_article_whose_extraction_raises_is_named_and_the_rest_stored(tmp_path, store, monkeypatch):
    from geo.pipeline import default_extractor

    extractor = default_extractor()
    real = extractor.extract

    def poisoned(article, doc):
        if article.id == "poison":
            raise RuntimeError("boom")
        return real(article, doc)

    monkeypatch.setattr(extractor, "extract", poisoned)
    f = tmp_path / "two.jsonl"
    f.write_text(json.dumps({"id": "poison", "text": "Drones struck Lviv."}) + "\n" + GOOD + "\n", encoding="utf-8")
    report = ingest_files([f], store)
    assert any(f"{f}:1: not extracted: RuntimeError: boom" in p for p in report.failures), report.failures
    assert "good" in store.article_ids() and "poison" not in store.article_ids()
