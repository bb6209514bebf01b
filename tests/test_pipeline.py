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
