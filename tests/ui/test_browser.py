"""Real browser: streamlit + Debian's chromium (Playwright), no network.

Starts `streamlit run app.py` on 127.0.0.1 with a fresh store (so the first-start build runs too),
waits for the Leaflet map inside the st_folium iframe, counts the event markers that Leaflet
holds, moves the date slider with the keyboard, and checks that fewer markers are drawn.
"""
from __future__ import annotations

import os
import re
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
            page.get_by_role("button", name=f"{label}: {n:,} events", exact=True).click()
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


# --------------------------------------------------------------------------- #17: the map is the page

MAP_STATE = """() => {
  const count = (v, name) => {
    let n = 0;
    v.eachLayer(l => { if (l.options && l.options.className === name) n++; });
    return n;
  };
  for (const v of new Set(Object.values(window))) {
    if (!(v instanceof L.Map)) continue;
    const c = v.getCenter(), b = v.getBounds();
    return {lat: c.lat, lng: c.lng, zoom: v.getZoom(), span: b.getNorth() - b.getSouth(),
            keep: window.__kept === true, state: window.eventAtlas && window.eventAtlas.state,
            trail: count(v, "event-atlas-trail"), selected: count(v, "event-atlas-selected")};
  }
  return null;
}"""
MARK_PAGE = "() => { window.__kept = true; }"  # gone if the map's page is reloaded


def _url(page) -> str:
    """The address bar now (page.url misses history.replaceState called from the map's frame)."""
    return page.evaluate("location.href")


def _map_frame(page):
    return _wait_markers(page, timeout=90)[1]


@pytest.mark.parametrize("width,height", [(1400, 950), (1920, 1080)])
def test_the_map_is_the_largest_element_above_the_fold(server, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server, wait_until="domcontentloaded")
    _wait_markers(page, timeout=90)
    time.sleep(2)
    m = page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    assert m["y"] >= 0 and m["y"] + m["height"] <= height, "the map is cut by the fold"
    area = m["width"] * m["height"]
    main = page.locator('[data-testid="stMain"]').bounding_box()
    assert area > 0.25 * main["width"] * height
    # every other block above the fold is smaller; the card sits beside the map
    for sel in ('[data-testid="stVegaLiteChart"]', '[data-testid="stDataFrame"]', '[data-testid="stAlert"]',
                '[data-testid="stCode"]', '[data-testid="stMetric"]'):
        for box in [page.locator(sel).nth(i).bounding_box() for i in range(page.locator(sel).count())]:
            if box and box["y"] < height:
                assert box["width"] * min(box["height"], height - box["y"]) < area, sel
    card = page.get_by_text("Click an event on the map").first.bounding_box()
    assert card["x"] >= m["x"] + m["width"] - 1 and abs(card["y"] - m["y"]) < 80
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Event types").is_visible()  # filters in the sidebar
    # share link and downloads above the map, saying how many events they hold
    n = _metric(page)
    for label in ("CSV", "GeoJSON", "KML (Google Earth)"):
        button = page.get_by_role("button", name=f"{label}: {n:,} events", exact=True)
        assert button.bounding_box()["y"] < m["y"]
    assert page.locator('[data-testid="stCode"]').first.bounding_box()["y"] < m["y"]
    page.close()


LEGEND_CLEAR = """() => {
  const legend = document.querySelector(".event-atlas-legend").getBoundingClientRect();
  const list = document.querySelector(".event-atlas-list").getBoundingClientRect();
  const under = [];
  for (const v of new Set(Object.values(window))) {
    if (!(v instanceof L.Map)) continue;
    const box = v.getContainer().getBoundingClientRect();
    v.eachLayer(l => {
      if (!(l instanceof L.CircleMarker) || !l.options.count) return;
      const p = v.latLngToContainerPoint(l.getLatLng()), x = box.left + p.x, y = box.top + p.y;
      for (const r of [legend, list]) {
        if (x > r.left && x < r.right && y > r.top && y < r.bottom) under.push(l.options.count);
      }
    });
  }
  return under;
}"""


def test_legend_and_list_leave_the_markers_clear_and_the_base_map_orients(server, browser):
    page, _, frame = _open(browser, server)
    time.sleep(1)
    assert frame.evaluate(LEGEND_CLEAR) == []
    base = _until(lambda: frame.evaluate("() => window.eventAtlasBase"), 30, "offline base map loaded")
    assert base["features"] > 200 and base["places"] > 1000  # the world's countries, places by zoom
    labels = frame.evaluate("() => Array.from(document.querySelectorAll('.event-atlas-place')).map(e => e.innerText)")
    assert "Kyiv" in labels and "Moscow" in labels
    # base-layer switcher: "Outlines only (offline)" removes the tiles, the outlines stay
    frame.locator(".leaflet-control-layers").hover()
    frame.get_by_text("Outlines only (offline)").click()
    tiles = frame.evaluate("""() => { let n = 0; for (const v of new Set(Object.values(window)))
      if (v instanceof L.Map) v.eachLayer(l => { if (l instanceof L.TileLayer) n++; }); return n; }""")
    assert tiles == 0
    page.close()


def test_one_event_left_keeps_context(server, browser):
    page, n, frame = _open(browser, server + "/?q=Kotluban&conf=0.00")  # under the default threshold
    assert n == 1
    seen = frame.evaluate(MAP_STATE)
    assert seen["zoom"] <= 8 and seen["span"] >= 1.9  # towns and borders around it, not a blank sheet
    # Place labels arrive with the base map file (fetched once): wait for them, do not sample once.
    _until(lambda: frame.evaluate("() => document.querySelectorAll('.event-atlas-place').length") > 3, 60,
           "place labels around the one event")
    page.close()


def test_keyboard_users_reach_events_through_the_list_in_view(server, browser):
    page, n, frame = _open(browser, server)
    toggle = frame.get_by_role("button", name=re.compile(r"Events in view \(\d+\)"))
    toggle.focus()
    page.keyboard.press("Enter")
    items = frame.locator(".event-atlas-list li button")
    _until(lambda: items.count() > 0, 10, "list of events in view")
    assert items.count() == min(n, 50)
    items.first.focus()
    event_id = items.first.get_attribute("data-event-id")
    page.keyboard.press("Enter")
    _until(lambda: f"event={event_id}" in _url(page), 60, "the listed event selected")
    _until(lambda: page.get_by_text(f"event #{event_id}").is_visible(), 60, "its card")
    page.close()


def _click_table_row(page, row: int) -> None:
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 * (row + 1) + 17)  # the row's selection box


def test_a_table_row_centres_and_highlights_its_event_without_reloading_the_map(server, browser):
    page, _, frame = _open(browser, server)
    frame.evaluate(MARK_PAGE)
    before = frame.evaluate(MAP_STATE)
    _click_table_row(page, 3)
    _until(lambda: "event=" in _url(page), 60, "a row selected")
    event_id = int(_url(page).split("event=")[1].split("&")[0])
    seen = _until(lambda: (s := frame.evaluate(MAP_STATE)) and s["state"]["sel"] == event_id and s, 30, "map told")
    assert seen["keep"], "the map's page was reloaded"
    assert seen["selected"] == 1  # the highlight ring
    assert (round(seen["lat"], 3), round(seen["lng"], 3)) != (round(before["lat"], 3), round(before["lng"], 3))
    page.close()


def test_playback_steps_keep_the_viewport_and_draw_a_trail(server, browser):
    page, total, frame = _open(browser, server)
    frame.evaluate(MARK_PAGE)
    before = frame.evaluate(MAP_STATE)
    page.get_by_role("button", name="‹ Back").click()
    _until(lambda: frame.evaluate(MAP_STATE)["state"]["from"] != before["state"]["from"], 30, "a step back")
    for _ in range(3):
        prev = frame.evaluate(MAP_STATE)["state"]["to"]
        page.get_by_role("button", name="‹ Back").click()
        _until(lambda: frame.evaluate(MAP_STATE)["state"]["to"] == prev - 1, 30, "one day back")
    page.get_by_role("button", name="Next ›").click()
    seen = _until(lambda: (s := frame.evaluate(MAP_STATE))["state"]["trail"] > 0 and s, 30, "the trail")
    assert seen["keep"], "the map's page was reloaded between steps"
    assert seen["zoom"] == before["zoom"]  # no re-fit: the same view (a layout change may shift it by a pixel)
    assert abs(seen["lat"] - before["lat"]) < 0.05 and abs(seen["lng"] - before["lng"]) < 0.1
    assert seen["state"]["trail"] == 3  # three steps of a day
    _until(lambda: frame.evaluate(COUNT_MARKERS) == _metric(page), 30, "the map showing the counted window")
    page.close()


def test_the_share_link_keeps_the_maps_centre_and_zoom(server, browser):
    page, _, frame = _open(browser, server + "/?map=50.0000,36.2000,7")
    seen = frame.evaluate(MAP_STATE)
    assert (round(seen["lat"], 2), round(seen["lng"], 2), seen["zoom"]) == (50.0, 36.2, 7)
    frame.evaluate("""() => { for (const v of new Set(Object.values(window)))
      if (v instanceof L.Map) v.setView([48.5, 35.0], 6); }""")
    wanted = ("map=48.5000%2C35.0000%2C6", "map=48.5000,35.0000,6")
    _until(lambda: any(w in _url(page) for w in wanted), 10, "the centre and zoom in the URL")
    code = page.locator('[data-testid="stCode"] code').first.inner_text()
    assert any(w in code for w in wanted)  # the share box too
    page.close()


AXE = Path(__file__).resolve().parents[1] / ".axe" / "package" / "axe.min.js"


def test_axe_finds_no_serious_or_critical_violations(server, browser):
    import json

    if not AXE.exists():
        pytest.fail(f"axe-core is missing: run `make axe` (npm pack axe-core into {AXE.parent.parent})")
    page, _, frame = _open(browser, server)
    time.sleep(2)
    event_id, _ = frame.evaluate(FIRE_CLICK)  # a selected event: its card (heading contrast) is checked too
    _until(lambda: page.get_by_text(f"event #{event_id}").is_visible(), 60, "selected event card")
    time.sleep(1)
    results = {}
    for name, target in (("page", page.main_frame), ("map", frame)):
        target.add_script_tag(path=str(AXE))
        found = target.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"],
          iframes: false})).violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))""")
        results[name] = found
    out = Path(__file__).resolve().parents[2] / "docs" / "axe-results.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    serious = [(name, v["id"], v["nodes"]) for name, found in results.items() for v in found
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.close()


def test_cluster_counts_have_thousands_separators_and_a_ring_of_their_types(browser, tmp_path):
    import pandas as pd

    from geo.dashboard.map.assets import install_static_assets, localize_map
    from geo.dashboard.map.mapping import build_atlas_map

    events = pd.DataFrame([dict(event_id=i + 1, event_type="strike" if i % 3 else "interception", place="Kharkiv",
                                lat=49.99 + (i % 40) * 0.001, lon=36.23, date="2024-05-01") for i in range(1500)])
    vendor = install_static_assets(tmp_path / "static")
    m = localize_map(build_atlas_map(events, tiles=None), base_url=vendor.as_uri())
    m.save(str(tmp_path / "map.html"))
    page = browser.new_page()
    page.goto((tmp_path / "map.html").as_uri(), wait_until="load")
    _until(lambda: page.evaluate(COUNT_MARKERS) == 1500, 30, "the cluster drawn")
    label = page.evaluate("""() => { const l = document.querySelector(".event-atlas-count");
      return {text: l.querySelector("span").innerText,
              ring: l.querySelector(".event-atlas-ring").style.background}; }""")
    assert label["text"] == "1,500"
    assert label["ring"].count("deg") == 4  # two arcs: strikes and interceptions
    page.close()
