"""Running the real app for browser tests and the dashboard benchmark (one copy of the how-to).

`running_app(db)` starts `streamlit run app.py` on 127.0.0.1 (a free port) with EVENT_ATLAS_DB
pointing at `db` and yields its URL; `launch_chromium(playwright)` starts Debian's chromium
headless with the flags this closed network needs. The JavaScript snippets count what Leaflet
drew inside the st_folium iframe.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags chromium keeps trying (and failing) to reach Google.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Events drawn: markers are clustered, each CircleMarker stands for options.count events
# (1 for a single event; fanned-out copies have count 0 so they are not counted twice).
COUNT_MARKERS = """() => {
  if (!window.L) return -1;
  let n = 0, maps = 0;
  for (const v of new Set(Object.values(window))) {
    if (v instanceof L.Map) {
      maps++;
      v.eachLayer(l => {
        if (l instanceof L.CircleMarker) n += (typeof l.options.count === "number" ? l.options.count : 1);
      });
    }
  }
  return maps ? n : -1;
}"""
BROKEN_IMAGES = ("() => Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0"
                 " && !i.src.includes('tile')).map(i => i.src)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(db, *, log=subprocess.DEVNULL, timeout: float = 120):
    """Serve app.py on 127.0.0.1 with the store `db`; yields the URL, stops the server after."""
    port = free_port()
    env = {**os.environ, "EVENT_ATLAS_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT if log is not subprocess.DEVNULL else log,
    )
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def launch_chromium(playwright):
    """Debian's chromium, headless, through Playwright (its own browser download cannot work here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def marker_count(page) -> tuple[int, object]:
    """Events drawn on the page's map (-1 while there is no map) and the frame holding it."""
    best, where = -1, None
    for frame in page.frames:
        try:
            n = frame.evaluate(COUNT_MARKERS)
        except Exception:  # frames come and go while Streamlit reruns
            continue
        if n > best:
            best, where = n, frame
    return best, where


def wait_markers(page, ok, timeout: float, poll: float = 0.1) -> tuple[int, object]:
    """Poll until `ok(count)` holds for the drawn map; (count, frame), or AssertionError."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        n, frame = marker_count(page)
        if n >= 0 and ok(n):
            return n, frame
        time.sleep(poll)
    raise AssertionError(f"no map with the expected markers within {timeout} s")
