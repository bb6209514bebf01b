"""Real browser: streamlit + Debian's chromium (Playwright), no network.

Starts `streamlit run app.py` on 127.0.0.1 with a fresh store (so the first-start build runs too),
waits for the Leaflet map inside the st_folium iframe, counts the event markers that Leaflet
holds, moves the date slider with the keyboard, and checks that fewer markers are drawn.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Events drawn: markers are clustered, each CircleMarker stands for options.count events
# (1 for a single event; fanned-out copies have count 0 so they are not counted twice).
COUNT_MARKERS = """() => {
  if (!window.L) return -1;
  let n = 0, maps = 0;
  for (const v of Object.values(window)) {
    if (v instanceof L.Map) {
      maps++;
      v.eachLayer(l => {
        if (l instanceof L.CircleMarker) n += (typeof l.options.count === "number" ? l.options.count : 1);
      });
    }
  }
  return maps ? n : -1;
}"""
BROKEN_IMAGES = "() => Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0 && !i.src.includes('tile')).map(i => i.src)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install -y chromium)")
    port = _free_port()
    env = {**os.environ, "EVENT_ATLAS_DB": str(tmp_path_factory.mktemp("db") / "events.db")}
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)
    log.seek(0)
    print(log.read()[-3000:])


def _marker_count(page) -> tuple[int, object]:
    for frame in page.frames:
        try:
            n = frame.evaluate(COUNT_MARKERS)
        except Exception:  # frames come and go while Streamlit reruns
            continue
        if n > 0:
            return n, frame
    return -1, None


def _wait_markers(page, timeout: float, below: int | None = None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        n, frame = _marker_count(page)
        if n > 0 and (below is None or n < below):
            return n, frame
        time.sleep(0.5)
    raise AssertionError(f"no map with {'fewer than ' + str(below) if below else 'any'} markers within {timeout} s")


def test_map_draws_and_date_slider_filters(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server, wait_until="domcontentloaded")
            # First start builds the store (spaCy over the bundled articles): generous timeout.
            before, frame = _wait_markers(page, timeout=240)
            assert before >= 30
            assert frame.evaluate(BROKEN_IMAGES) == []
            slider = page.get_by_role("slider").first
            slider.focus()
            slider.press("End")  # lower bound to the last day: only that day's events remain
            after, _ = _wait_markers(page, timeout=60, below=before)
            assert 0 < after < before
        finally:
            browser.close()
