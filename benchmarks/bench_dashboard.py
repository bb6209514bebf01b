"""Dashboard figures for issue #6 at 1k, 10k and 100k synthetic events.

    .venv/bin/python benchmarks/bench_dashboard.py [--sizes 1000 10000 100000] [--no-browser]

For each size: writes a synthetic store (`python -m geo synth N`), then prints
* server: first page render and a filter change (script run time with AppTest, in a fresh process);
* payload: bytes streamlit_folium sends to the browser for the map;
* browser (headless Debian chromium via Playwright): seconds from opening the page until the
  map's markers are drawn, and from one step of the date slider until the map shows it;
  plus any broken image.
Targets at 100k: render <= 5 s, filter <= 1 s, payload <= 5 MB, drawn <= 10 s, step <= 3 s.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(REPO))
from tests.streamlit_app import BROKEN_IMAGES, launch_chromium, running_app, wait_markers  # noqa: E402

SERVER_PROBE = r"""
import json, os, sys, time
sys.path.insert(0, {repo!r})
os.environ["EVENT_ATLAS_DB"] = {db!r}
from streamlit.testing.v1 import AppTest
import streamlit_folium
sent = {{}}
real = streamlit_folium._component_func
def capture(**kw):
    sent.clear(); sent.update(kw)
    return real(**kw)
streamlit_folium._component_func = capture
at = AppTest.from_file({app!r}, default_timeout=600)
t = time.perf_counter(); at.run(); first = time.perf_counter() - t
assert not at.exception, at.exception
shown = int(at.metric[0].value)
payload = sum(len(str(v).encode()) for k, v in sent.items()
              if k in ("script", "html", "header", "css_links", "js_links"))
times = []
for types in (["strike"], ["strike", "interception"], []):
    at.multiselect[0].set_value(types)
    t = time.perf_counter(); at.run(); times.append(time.perf_counter() - t)
lo, hi = at.slider[0].value
at.slider[0].set_value((hi, hi))
t = time.perf_counter(); at.run(); times.append(time.perf_counter() - t)
print(json.dumps({{"first": first, "filter": sorted(times)[len(times) // 2], "filter_max": max(times),
                  "payload": payload, "shown": shown}}))
"""

def synth(n: int, db: Path) -> float:
    t = time.perf_counter()
    subprocess.run([PY, "-m", "geo", "synth", str(n), "--db", str(db)], cwd=REPO, check=True,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def server_figures(db: Path) -> dict:
    code = SERVER_PROBE.format(repo=str(REPO), db=str(db), app=str(REPO / "app.py"))
    out = subprocess.run([PY, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def browser_figures(db: Path) -> dict:
    from playwright.sync_api import sync_playwright

    with running_app(db, timeout=60) as url:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                # Warm-up visit: the server loads the store into its cache once per process;
                # the figure below is a visitor's page open on a running deployment.
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(url, wait_until="domcontentloaded")
                wait_markers(page, lambda n: n > 0, 300)
                page.close()
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                t = time.perf_counter()
                page.goto(url, wait_until="domcontentloaded")
                before, _ = wait_markers(page, lambda n: n > 0, 120)
                drawn = time.perf_counter() - t
                broken = []
                for frame in page.frames:
                    try:
                        broken += frame.evaluate(BROKEN_IMAGES)
                    except Exception:
                        pass
                slider = page.get_by_role("slider").first
                slider.focus()
                t = time.perf_counter()
                slider.press("End")
                after, _ = wait_markers(page, lambda n: 0 <= n < before, 60)
                step = time.perf_counter() - t
            finally:
                browser.close()
    return {"drawn": drawn, "step": step, "markers_before": before, "markers_after": after, "broken": broken}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--no-browser", action="store_true")
    a = ap.parse_args()
    print(f"{'events':>8} {'synth s':>8} {'render s':>9} {'filter s':>9} {'payload MB':>11} {'drawn s':>8}"
          f" {'step s':>7}  broken")
    with tempfile.TemporaryDirectory() as tmp:
        for n in a.sizes:
            db = Path(tmp) / f"events-{n}.db"
            made = synth(n, db)
            s = server_figures(db)
            b = {"drawn": float("nan"), "step": float("nan"), "broken": []}
            if not a.no_browser:
                b = browser_figures(db)
            print(f"{n:>8} {made:>8.1f} {s['first']:>9.2f} {s['filter']:>9.2f} {s['payload'] / 1e6:>11.2f}"
                  f" {b['drawn']:>8.2f} {b['step']:>7.2f}  {len(b['broken'])}", flush=True)


if __name__ == "__main__":
    main()
