"""The event map: layers, cards, border line, and escaping of untrusted article text
(the same map in a real browser: tests/test_browser.py)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import pandas as pd
import pytest

import geo.dashboard.map
from geo.dashboard.cards import TYPE_COLOURS, TYPE_LABELS, event_popup_html, safe_http_url
from geo.dashboard.map.assets import asset_urls, localize_map, remote_asset_urls
from geo.dashboard.map.mapping import BORDER_COLOUR, MAP_BACKGROUND, build_atlas_map
from geo.errors import ConfigurationError
from geo.model import EVENT_TYPES

SCRIPT = "<script>alert(1)</script>"
# The map's own scripts and styles, by file name (served from static/vendor/event-atlas/).
STATIC = {p.name: p.read_text(encoding="utf-8") for p in Path(geo.dashboard.map.BASE_DIR).iterdir()}
IMG = "<img src=x onerror=alert(1)>"
JINJA = "{{ 'pw' ~ 'ned' }}"  # renders as "pwned" if anything evaluates it as Jinja
BORDER = {"type": "MultiLineString", "coordinates": [[[30.0, 50.0], [31.5, 50.5]], [[32.0, 51.0], [33.0, 51.25]]]}


def _event(**kw) -> dict:
    row = dict(
        event_type="strike", sub_type="missile", place="Kharkiv", precision="place", lat=49.99, lon=36.23,
        date="2024-05-01", claimed_by="army", verified=False, evidence="A missile hit the city.",
        title="Report", url="https://news.example/a?x=1&y=2", border_distance_km=31.46,
        article_id="a1", event_id="e1",
    )
    row.update(kw)
    return row


def _render(events: list[dict], **kw) -> str:
    return build_atlas_map(pd.DataFrame(events), **kw).get_root().render()


def _payload_from_html(html: str) -> dict:
    """The data the atlas layer parses in the browser (a JSON string inside a JS string)."""
    (literal,) = re.findall(r'var D = JSON\.parse\(("(?:[^"\\]|\\.)*")\);', html)
    return json.loads(json.loads(literal))


class _Tags(HTMLParser):
    """Collects tags, attributes and text as a browser's parser would see them."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def _assert_inert(markup: str) -> _Tags:
    parsed = _Tags(markup)
    assert set(parsed.tags) <= {"div", "span", "b", "blockquote", "a"}
    assert not [name for name, _ in parsed.attrs if name.startswith("on")]
    assert all(v.startswith(("http://", "https://")) for k, v in parsed.attrs if k == "href")
    return parsed


def test_every_event_type_has_a_distinct_colour_and_label():
    assert set(TYPE_COLOURS) == set(TYPE_LABELS) == set(EVENT_TYPES)
    assert len(set(TYPE_COLOURS.values())) == len(EVENT_TYPES)
    assert BORDER_COLOUR not in TYPE_COLOURS.values()


def test_atlas_map_places_each_located_event_once():
    events = [_event(event_type=t, lat=48 + i, lon=30 + i, event_id=i + 1) for i, t in enumerate(EVENT_TYPES)]
    events += [_event(lat=None, event_id=10), _event(lon=float("nan"), event_id=11), _event(lat=95.0, event_id=12),
               _event(event_type="rumour", event_id=13)]
    html = _render(events)
    assert _payload_from_html(html)["n"] == len(EVENT_TYPES) + 1
    assert '"Strike (1)"' in html and '"Other (1)"' in html  # layer control, with counts
    assert "L.control.layers(" in html


def test_sparse_columns_and_empty_frames():
    html = _render([{"lat": 50.0, "lon": 30.0}, {"lat": 51.0, "lon": 31.0, "event_type": None}])
    assert _payload_from_html(html)["n"] == 2
    empty = build_atlas_map(pd.DataFrame(columns=["lat", "lon"])).get_root().render()
    assert _payload_from_html(empty)["n"] == 0 and not re.search(r"fitBounds\(\s*\[\[", empty)  # nothing to fit


def test_popup_card_shows_the_event_fields():
    card = event_popup_html(pd.Series(_event()))
    text = " ".join(_assert_inert(card).text)
    for expected in ("Strike", "missile", "Kharkiv", "(place)", "2024-05-01", "Claimed by army",
                     "unverified", "A missile hit the city.", "Report", "31.5 km from the border"):
        assert expected in text
    assert 'href="https://news.example/a?x=1&amp;y=2"' in card and 'rel="noopener noreferrer"' in card


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,x",
            "//evil.example/x", "/relative"]
)
def test_only_http_urls_become_links(url):
    assert safe_http_url(url) is None
    (detail,) = _payload_from_html(_render([_event(url=url, title="Headline")]))["X"]
    assert "<a" not in detail and "javascript" not in detail.lower()
    assert "Headline" in detail  # the title is still shown, as text


def test_popup_card_is_safe_inside_folium_popup_too():
    m = folium.Map()
    card = event_popup_html(_event(evidence="${alert(1)} `x` " + JINJA + SCRIPT))
    folium.CircleMarker([50, 30], popup=folium.Popup(card, parse_html=False)).add_to(m)
    html = m.get_root().render()
    assert "pwned" not in html and "${" not in html and "<script>alert" not in html


def test_border_is_drawn_as_a_red_line_in_lat_lon_order():
    html = _render([_event()], border=BORDER)
    assert "L.polyline(" in html and f'"color": "{BORDER_COLOUR}"' in html
    assert "[[[50.0, 30.0], [50.5, 31.5]], [[51.0, 32.0], [51.25, 33.0]]]" in html
    feature = {"type": "Feature", "properties": {},
               "geometry": {"type": "LineString", "coordinates": [[30, 50], [31, 51]]}}
    assert "[[[50.0, 30.0], [51.0, 31.0]]]" in _render([], border=feature)
    with pytest.raises(ConfigurationError):
        build_atlas_map(pd.DataFrame(), border={"type": "Point", "coordinates": [30, 50]})


def test_neutral_background_and_optional_tiles():
    m = build_atlas_map(pd.DataFrame([_event()]), tiles=None)
    html = m.get_root().render()
    assert f"#{m.get_name()} {{ background: {MAP_BACKGROUND}; }}" in html
    assert "L.tileLayer(" not in html


def test_through_st_folium(monkeypatch):
    """What streamlit_folium sends its iframe: background kept, event data intact and escaped."""
    streamlit_folium = pytest.importorskip("streamlit_folium")
    sent = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    m = localize_map(build_atlas_map(pd.DataFrame([_event(evidence=SCRIPT)]), border=BORDER))
    streamlit_folium.st_folium(m, returned_objects=[])
    assert f"#map_div {{ background: {MAP_BACKGROUND}; }}" in sent["header"]
    assert "<script>alert" not in sent["script"]
    assert "&lt;script&gt;" in _payload_from_html(sent["script"])["X"][0]


# --------------------------------------------------------------------------- the atlas map

from geo.dashboard.map.mapping import DETAIL_LIMIT, atlas_payload  # noqa: E402
from geo.geometry.rings import border_rings  # noqa: E402


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def test_atlas_map_escapes_article_text_everywhere():
    hostile = dict(evidence=SCRIPT + "${alert(1)} `x`", title=IMG, place=SCRIPT + IMG + JINJA, claimed_by=IMG + JINJA,
                   sub_type=SCRIPT, precision=IMG, date="2024-05-01" + SCRIPT, date_precision=IMG,
                   quantities={SCRIPT: 3, "drones": 12})
    m = localize_map(build_atlas_map(pd.DataFrame([_event(**hostile), _event(event_type="diplomacy", place=JINJA)]),
                                     border=BORDER, heat=True))
    html = m.get_root().render()
    for raw in ("<script>alert", "<img", "pwned", "${", "`x`"):
        assert raw not in html
    data = _payload_from_html(html)
    assert data["n"] == 2 and "X" in data
    text = ""
    for s in _strings(data):
        text += "".join(_assert_inert(s).text)
    assert SCRIPT in text and IMG in text and JINJA in text  # shown as text ...
    assert not [s for s in _strings(data) if set(s) & set("{}$`\\")]  # ... via character references
    assert remote_asset_urls(m) == []  # heatmap plugin included, served locally


def test_atlas_payload_is_compact_and_drops_details_for_many_events():
    events = pd.DataFrame([_event(lat=48 + (i % 7), lon=30 + (i % 5), event_id=i + 1, place=f"P{i % 35}")
                           for i in range(300)])
    small = atlas_payload(events)
    assert small["n"] == 300 and len(small["X"]) == 300 and len(small["la"]) == 35
    assert sum(small["e"]["i"]) == 300 and set(small["e"]["i"]) == {1}  # id deltas
    big = atlas_payload(events, detail_limit=100)
    assert "X" not in big and len(json.dumps(big)) < 25 * 300 + 4000
    assert DETAIL_LIMIT >= 1000


def test_atlas_map_layers_legend_and_clicks():
    events = pd.DataFrame([_event(event_type=t, lat=48 + i, lon=30 + i, event_id=i + 1)
                           for i, t in enumerate(EVENT_TYPES)])
    line = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[30, 49], [31, 50]]}}
    html = build_atlas_map(events, border=BORDER, rings=border_rings(BORDER, (25,)), line=line).get_root().render()
    for t in EVENT_TYPES:
        assert f'"{TYPE_LABELS[t]} (1)"' in html
    for name in ("Heatmap", "Border", "25 km from the border", "Reference line"):
        assert f'"{name}"' in html
    assert "eventAtlasLegend(" in html and "eventAtlasFullscreen(" in html
    assert "event-atlas-legend" in STATIC["legend.js"] and "event-atlas-fullscreen" in STATIC["fullscreen.js"]
    assert "Event #" in STATIC["atlas-layer.js"]  # popup text streamlit_folium returns on a click
    assert re.search(r"fitBounds\(\s*\[\[48(\.0)?, 30(\.0)?\], \[53(\.0)?, 35(\.0)?\]\]", html)


def test_atlas_map_with_no_events():
    html = build_atlas_map(pd.DataFrame(columns=["lat", "lon"])).get_root().render()
    assert _payload_from_html(html)["n"] == 0 and "No events" in html


def test_cards_show_quantities_and_date_precision():
    card = event_popup_html(_event(quantities={"drones": 12, "killed": 2}, date_precision="week"))
    text = " ".join(_assert_inert(card).text)
    assert "drones: 12, killed: 2" in text and "2024-05-01 (within a week)" in text
    data = atlas_payload(pd.DataFrame([_event(quantities={"drones": 12}, date_precision="week", event_id=1)]))
    assert data["Q"] == ["drones: 12"] and data["Dy"] == ["2024-05-01 (within a week)"]


def test_a_nul_inside_claimed_by_cannot_smuggle_markup_into_the_payload():
    from geo.dashboard.map.mapping import atlas_payload

    df = pd.DataFrame({"event_id": [1], "event_type": ["strike"], "place": ["Kharkiv"], "lat": [50.0],
                       "lon": [36.2], "date": ["2024-05-13"], "verified": [None],
                       "claimed_by": ["Governor\x00<img/src/onerror=alert(1)//> Syniehubov"]})
    text = json.dumps(atlas_payload(df))
    assert "<img" not in text and "onerror=alert(1)" not in text.replace("&lt;img/src/onerror=alert(1)//&gt;", "")


def test_clusters_carry_a_count_label():
    """The cluster's event count is drawn on it (a divIcon of digits only), not just in its tooltip."""
    from geo.dashboard.map.mapping import LABEL_LIMIT

    events = pd.DataFrame([_event(lat=50.0, lon=36.2, event_id=i + 1, place=IMG) for i in range(5)])
    m = localize_map(build_atlas_map(events))
    html = m.get_root().render()
    assert "/event-atlas/atlas.css" in " ".join(asset_urls(m))  # the label's CSS, served locally (no CDN)
    assert ".event-atlas-count span" in STATIC["atlas.css"]
    # digits only (numbers formatted with thousands separators) and the type ring (colours from the payload)
    assert 'L.divIcon({className: "event-atlas-count", html: ring + "<span>" + fmt(c.n | 0) + "</span>"' \
        in STATIC["atlas-layer.js"]
    assert 'toLocaleString("en-US")' in STATIC["atlas-layer.js"] and "conic-gradient(" in STATIC["atlas-layer.js"]
    assert "labels.push({n: c.n" in STATIC["atlas-layer.js"] and "<img" not in html
    assert _payload_from_html(html)["lbl"] == LABEL_LIMIT
    assert remote_asset_urls(m) == []


def test_card_shows_the_distance_to_the_chosen_border():
    row = _event(border_distance_km=31.46, pair_km=412.0)
    assert "412.0 km from the border" in event_popup_html(row, km_column="pair_km")
    assert "31.5 km from the border" in event_popup_html(row)
    data = atlas_payload(pd.DataFrame([dict(row, event_id=1)]), km_column="pair_km")
    assert data["lk"] == [412.0]  # the map's card uses the same column


def test_reference_line_accepts_what_the_distance_filter_accepts():
    polygon = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [[[30, 49], [31, 49], [31, 50], [30, 49]]]}}]}
    html = build_atlas_map(pd.DataFrame([_event()]), line=polygon).get_root().render()
    assert '"Reference line"' in html and "[49.0, 30.0]" in html  # the ring, in lat/lon order
