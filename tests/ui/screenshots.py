"""Screenshots of the dashboard at the analyst's two screen sizes (offline headless chromium).

    python -m tests.ui.screenshots PREFIX [--db PATH]

writes docs/screenshots/PREFIX-1400x950.png and PREFIX-1920x1080.png (the viewport only: what is
above the fold), from a copy of the store (default data/events.db; a fresh one is built if none).
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from tests.streamlit_app import REPO, launch_chromium, running_app, wait_markers

SIZES = ((1400, 950), (1920, 1080))


def shoot(prefix: str, db: Path | None, out: Path = REPO / "docs" / "screenshots") -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "events.db"
        if db is not None and db.exists():
            shutil.copy(db, copy)
        with running_app(copy) as url, sync_playwright() as p:
            browser = launch_chromium(p)
            for w, h in SIZES:
                page = browser.new_page(viewport={"width": w, "height": h})
                page.goto(url, wait_until="domcontentloaded")
                wait_markers(page, lambda n: n > 0, timeout=300, poll=0.5)
                time.sleep(3)  # the rest of the page settles
                path = out / f"{prefix}-{w}x{h}.png"
                page.screenshot(path=str(path))
                written.append(path)
                page.close()
            browser.close()
    return written


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("prefix")
    ap.add_argument("--db", type=Path, default=REPO / "data" / "events.db")
    args = ap.parse_args()
    for path in shoot(args.prefix, args.db):
        print(path)
