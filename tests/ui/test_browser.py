"""Real browser: streamlit + Debian's chromium (Playwright), no network.

Starts `streamlit run app.py` on 127.0.0.1 with a fresh store (so the first-start build runs too),
waits for the Leaflet map inside the st_folium iframe, counts the event markers that Leaflet
holds, moves the date slider with the keyboard, and checks that fewer markers are drawn.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.streamlit_app import BROKEN_IMAGES, CHROMIUM, COUNT_MARKERS, launch_chromium, running_app, wait_markers

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install -y chromium)")
    db = tmp_path_factory.mktemp("db") / "events.db"
    with open(tmp_path_factory.mktemp("log") / "streamlit.log", "w+") as log:
        with running_app(db, log=log) as url:
            yield url
        log.seek(0)
        print(log.read()[-3000:])


def _wait_markers(page, timeout: float, below: int | None = None):
    return wait_markers(page, (lambda n: n > 0) if below is None else (lambda n: 0 < n < below), timeout, poll=0.5)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        try:
            yield b
        finally:
            b.close()


def _open(browser, url: str, timeout: float = 90):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url, wait_until="domcontentloaded")
    n, frame = _wait_markers(page, timeout=timeout)
    return page, n, frame


def _metric(page) -> int:
    """The first st.metric: the number of events shown."""
    return int(page.locator('[data-testid="stMetricValue"]').first.inner_text().replace(",", ""))


def _until(check, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = check()
        except Exception:  # elements re-render while Streamlit reruns
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"{what} within {timeout} s")


def test_map_draws_and_date_slider_filters(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server, wait_until="domcontentloaded")
    # First start builds the store (spaCy over the bundled articles): generous timeout.
    before, frame = _wait_markers(page, timeout=240)
    assert before >= 30
    assert before == _metric(page)  # every shown event is on the map (clustered or not)
    assert frame.evaluate(BROKEN_IMAGES) == []
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("End")  # lower bound to the last day: only that day's events remain
    after, _ = _wait_markers(page, timeout=60, below=before)
    assert 0 < after < before
    page.close()


CLUSTER_LABELS = """() => {
  const labels = Array.from(document.querySelectorAll(".event-atlas-count")).map(e => e.innerText.trim()).sort();
  const clusters = [];
  for (const v of new Set(Object.values(window))) {
    if (v instanceof L.Map) v.eachLayer(l => {
      if (l instanceof L.CircleMarker && l.options.count > 1) clusters.push(String(l.options.count));
    });
  }
  const label = document.querySelector(".event-atlas-count span");
  let under = null;  // what a click on the label hits: the cluster's canvas, not the label
  if (label) {
    const r = label.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    under = hit ? hit.tagName : null;
  }
  return {labels, clusters: clusters.sort(), colour: label ? getComputedStyle(label).color : null, under};
}"""


def test_clusters_show_their_count_on_the_map(server, browser):
    page, total, frame = _open(browser, server)
    seen = frame.evaluate(CLUSTER_LABELS)
    assert seen["clusters"], "the bundled events should form at least one cluster"
    assert seen["labels"] == seen["clusters"]  # one label per cluster, with its count
    assert seen["colour"] == "rgb(255, 255, 255)"  # our CSS reached the iframe (no CDN)
    assert seen["under"] == "CANVAS"  # clicks and hovers go through the label to the cluster
    assert total == _metric(page)
    page.close()


FIRE_CLICK = """() => {
  for (const v of new Set(Object.values(window))) {
    if (!(v instanceof L.Map)) continue;
    let target = null;
    v.eachLayer(l => { if (!target && l instanceof L.CircleMarker && l.options.count === 1) target = l; });
    if (!target) return null;
    target.fire("click", {latlng: target.getLatLng()}, true);  // as Leaflet does for a real click
    return [target.options.eventId, target.getPopup().getContent().innerText];
  }
  return null;
}"""


def test_marker_click_selects_the_event_and_shows_its_article(server, browser):
    page, _, frame = _open(browser, server)
    clicked = frame.evaluate(FIRE_CLICK)
    assert clicked, "no single-event marker to click"
    event_id, card = clicked
    _, place, day = [line.strip() for line in card.splitlines()[:3]]  # type, "place (precision)", date
    _until(lambda: page.get_by_text(f"event #{event_id}").is_visible(), 60, "selected event card")
    mark = page.locator("mark").first  # the evidence sentence, highlighted in the article
    mark.wait_for(state="attached", timeout=30_000)
    assert mark.inner_text().strip()
    _until(lambda: f"event={event_id}" in page.url, 30, "selection in the URL")
    # The table (a canvas grid) shows that event's row first and selected; its accessible
    # mirror of the grid says so.
    row = page.locator('[data-testid="stDataFrame"] tr[aria-selected="true"]').first
    row.wait_for(state="attached", timeout=30_000)
    text = row.text_content()
    assert place.split(" (")[0] in text and day.split(" ")[0] in text
    page.close()


def test_url_with_filters_reproduces_the_view(server, browser):
    page, total, _ = _open(browser, server)
    page.close()
    page, n, _ = _open(browser, server + "/?type=strike&km=100")
    assert 0 < n < total and n == _metric(page)
    assert page.get_by_text("Strike", exact=True).first.is_visible()  # the multiselect shows the filter
    page.close()


def test_playback_advances_the_window(server, browser):
    page, total, _ = _open(browser, server)
    upper = page.get_by_role("slider").nth(1)  # the range's end thumb
    page.get_by_role("button", name="▶ Play").click()
    first = _until(lambda: _metric(page) < total and upper.get_attribute("aria-valuetext"), 60, "playback start")
    _until(lambda: upper.get_attribute("aria-valuetext") not in (None, first), 60, "playback step")
    page.get_by_role("button", name="⏸ Pause").click()
    page.close()


def test_downloads_parse(server, browser):
    import csv
    import io
    import json
    from xml.etree import ElementTree as ET

    page, n, _ = _open(browser, server)
    files = {}
    for label in ("CSV", "GeoJSON", "KML (Google Earth)"):
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label, exact=True).click()
        files[label] = Path(info.value.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(files["CSV"].decode("utf-8-sig"))))
    assert len(rows) == n
    features = json.loads(files["GeoJSON"])["features"]
    assert len(features) == sum(1 for r in rows if r["lat"] and r["lon"])
    kml = ET.fromstring(files["KML (Google Earth)"])
    assert len(kml.findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == len(features)
    page.close()


def test_pan_and_zoom_do_not_rerun_the_script(server, browser):
    """Dragging and wheel-zooming the map must not send anything to the server (no rerun)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(len(payload))))
    page.goto(server, wait_until="domcontentloaded")
    _wait_markers(page, timeout=90)
    settled, deadline = -1, time.time() + 30
    while len(sent) != settled and time.time() < deadline:  # until 3 s pass with no message
        settled = len(sent)
        time.sleep(3)
    box = page.locator("iframe").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 120, cy + 60, steps=8)
    page.mouse.up()
    page.mouse.wheel(0, -300)
    time.sleep(4)
    assert len(sent) == settled, "panning/zooming sent a message to the server (a rerun)"
    page.close()


def test_uploaded_geojson_line_is_drawn(server, browser, tmp_path):
    import json

    line = tmp_path / "front.geojson"
    line.write_text(json.dumps({"type": "Feature", "properties": {},
                                "geometry": {"type": "LineString", "coordinates": [[36.0, 48.0], [38.0, 50.0]]}}))
    page, _, _ = _open(browser, server)
    page.locator('[data-testid="stSidebar"] input[type="file"]').first.set_input_files(str(line))

    def drawn():
        for frame in page.frames:
            try:
                if frame.get_by_text("Reference line").count():
                    return True
            except Exception:
                continue
        return False

    _until(drawn, 60, "reference line in the layer control")
    page.close()


OPEN_EVERY_POPUP = """() => {
  const out = [];
  for (const v of new Set(Object.values(window))) {
    if (!(v instanceof L.Map)) continue;
    v.eachLayer(l => {
      if (!(l instanceof L.CircleMarker) || l.options.count !== 1) return;
      l.fire("popupopen");  // what opening its popup runs: the card is built then
      const el = l.getPopup().getContent();
      out.push({text: el.innerText, html: el.innerHTML,
                active: el.querySelectorAll("script, img, iframe, svg, [onerror], [onload]").length});
    });
  }
  return out;
}"""


def test_hostile_article_text_stays_text_in_the_real_map(browser, tmp_path):
    """The dashboard's map with script-bearing article text, in chromium: cards open, show the
    text, hold no active element, and nothing calls alert()."""
    import pandas as pd

    from geo.dashboard.map.assets import install_static_assets, localize_map
    from geo.dashboard.map.mapping import build_atlas_map

    script, img, jinja = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 'pw' ~ 'ned' }}"
    events = pd.DataFrame([
        dict(event_id=1, event_type="strike", place=script + img, lat=49.99, lon=36.23, date="2024-05-01",
             claimed_by=img + jinja, evidence=script + "${alert(1)} `x`", title=img, url="javascript:alert(1)",
             quantities={script: 3}),
        dict(event_id=2, event_type="diplomacy", place=jinja, lat=50.45, lon=30.52, date="2024-05-02",
             claimed_by=None, evidence="Talks were held.", title="T", url="https://news.example/t"),
    ])
    vendor = install_static_assets(tmp_path / "static")
    m = localize_map(build_atlas_map(events, tiles=None), base_url=vendor.as_uri())
    page_file = tmp_path / "map.html"
    m.save(str(page_file))
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(page_file.as_uri(), wait_until="load")
    _until(lambda: page.evaluate(COUNT_MARKERS) == 2, 30, "both markers drawn")
    cards = page.evaluate(OPEN_EVERY_POPUP)
    assert len(cards) == 2 and all(c["active"] == 0 for c in cards)
    text = " ".join(c["text"] for c in cards)
    assert script in text and img in text and jinja in text  # shown, as text
    assert "pwned" not in text and "javascript:" not in " ".join(c["html"] for c in cards)
    time.sleep(0.5)  # give any smuggled handler its chance
    assert dialogs == []
    page.close()


def test_a_dns_rebinding_page_gets_no_editor_rights(server, browser):
    """#19 item 7: a page whose name resolves to 127.0.0.1 reaches the laptop's app with its own
    Host header; only requests naming a loopback host may edit (chromium maps the name here)."""
    from urllib.parse import urlsplit

    from tests.streamlit_app import CHROMIUM_ARGS

    assert not os.environ.get("EVENT_ATLAS_LOCAL_EDITING")
    port = urlsplit(server).port
    b = browser.browser_type.launch(  # a second chromium of the same Playwright, with the rebinding
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + ["--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1"])
    try:
        for url, expected in ((f"http://rebind.attacker.test:{port}/", "Read-only deployment"),
                              (f"http://localhost:{port}/", "Saved to the shared event store")):
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text("Add articles").first.click(timeout=120_000)
            page.get_by_text(expected).first.wait_for(timeout=60_000)
            page.close()
    finally:
        b.close()
