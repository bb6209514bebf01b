"""#19 item 2: dashboard extraction runs in its own process, so a long job cannot stall others."""
from __future__ import annotations

import threading
import time

from geo.model import Article
from geo.pipeline import extract_in_worker


def test_a_long_extraction_does_not_stall_this_process():
    warm = extract_in_worker([Article(id="w", text="Russian drones struck Kharkiv on Monday.", published=None)])
    assert warm.events and not warm.problems  # the worker is up (spaCy loaded there, not here)
    # Seconds of work: spaCy on 60k characters, and (until #19 item 1 lands) quadratic regex backtracking.
    slow_text = "Russian drones struck Kharkiv on Monday. " * 1500 + "Drones killed 1" + " " * 6000 + "x."
    gaps, stop = [], threading.Event()

    def heartbeat():  # what the server's event loop needs: the GIL, every few milliseconds
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    beat = threading.Thread(target=heartbeat)
    beat.start()
    started = time.perf_counter()
    try:
        result = extract_in_worker([Article(id="slow", text=slow_text, published=None)])
    finally:
        stop.set()
        beat.join()
    assert [a.id for a in result.articles] == ["slow"] and not result.problems
    assert max(gaps) < 1.0, (max(gaps), time.perf_counter() - started)


def test_a_job_past_its_time_is_a_named_problem_and_the_next_job_runs():
    slow = Article(id="slow", text="Russian drones struck Kharkiv on Monday. " * 5000, published=None, origin="paste")
    result = extract_in_worker([slow], timeout=0.5)
    assert result.problems == ["paste: not extracted: took longer than 0.5 s"] and not result.events
    again = extract_in_worker([Article(id="ok", text="Russian drones struck Odesa on Tuesday.", published=None)])
    assert again.events


def test_an_anonymous_job_spends_its_lookup_budget_and_leaves_the_shared_cache_alone(tmp_path, monkeypatch):
    """#19 item 5: with online geocoding on, a visitor's article asks the service at most its
    budget and writes nothing to the shared geocode cache."""
    import sqlite3

    from tests.nominatim_stub import NominatimStub, place

    villages = ["Kvitkovyi Yar", "Sonyachne Pole", "Zelena Balka"]  # made up: in no gazetteer
    text = " ".join(f"Russian troops captured the village of {v}, the ministry said." for v in villages)
    db = tmp_path / "shared.db"
    with NominatimStub({v.casefold(): place(f"{v}, Kharkiv Oblast, Ukraine", 50.2, 37.0, osm_type="node",
                                            osm_id=i, place_id=i, category="place", type_="village",
                                            addresstype="village") for i, v in enumerate(villages)}) as stub:
        for key, value in {"EVENT_ATLAS_ONLINE": "1", "EVENT_ATLAS_GEOCODER_URL": f"http://{stub.domain}",
                           "EVENT_ATLAS_USER_AGENT": "event-atlas-tests/1.0 (tests@example.org)",
                           "EVENT_ATLAS_DB": str(db)}.items():
            monkeypatch.setenv(key, value)
        result = extract_in_worker([Article(id="v", text=text, published=None)], visitor_lookups=1)
        asked = [r for r in stub.requests if r.q]
    assert not result.problems and result.lookups == 1 and len(asked) == 1
    if db.exists():
        with sqlite3.connect(db) as conn:
            tables = {t for (t,) in conn.execute("SELECT name FROM sqlite_master")}
            assert ("geocode_cache" not in tables
                    or conn.execute("SELECT count(*) FROM geocode_cache").fetchone()[0] == 0)
