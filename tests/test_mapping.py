"""The event map: markers, popups, border line, and escaping of untrusted article text."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import folium
import pandas as pd
import pytest

from geo.assets import localize_map, remote_asset_urls
from geo.errors import ConfigurationError
from geo.mapping import (
    BORDER_COLOUR,
    MAP_BACKGROUND,
    TYPE_COLOURS,
    TYPE_LABELS,
    build_event_map,
    event_popup_html,
    safe_http_url,
)
from geo.model import EVENT_TYPES

SCRIPT = "<script>alert(1)</script>"
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
    return build_event_map(pd.DataFrame(events), **kw).get_root().render()


def _js_strings(html: str, pattern: str) -> list[str]:
    """Decode the JSON string literals our markers emit (what the browser will see)."""
    return [json.loads(s) for s in re.findall(pattern + r'("(?:[^"\\]|\\.)*")', html)]


def _popups(html: str) -> list[str]:
    return _js_strings(html, r"_popup\.innerHTML = ")


def _tooltips(html: str) -> list[str]:
    return _js_strings(html, r"\.bindTooltip\(")


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


def test_one_circle_marker_per_located_event():
    events = [_event(event_type=t, lat=48 + i, lon=30 + i) for i, t in enumerate(EVENT_TYPES)]
    events += [_event(lat=None), _event(lon=float("nan")), _event(lat=95.0), _event(event_type="rumour")]
    html = _render(events)
    assert html.count("L.circleMarker(") == len(EVENT_TYPES) + 1
    assert len(_popups(html)) == len(_tooltips(html)) == len(EVENT_TYPES) + 1
    assert '"Strike (1)"' in html and '"Other (1)"' in html  # layer control, with counts
    assert "L.control.layers(" in html


def test_sparse_columns_and_empty_frames():
    html = _render([{"lat": 50.0, "lon": 30.0}, {"lat": 51.0, "lon": 31.0, "event_type": None}])
    assert html.count("L.circleMarker(") == 2
    empty = build_event_map(pd.DataFrame(columns=["lat", "lon"])).get_root().render()
    assert "L.circleMarker(" not in empty and "fitBounds" not in empty


def test_popup_card_shows_the_event_fields():
    card = event_popup_html(pd.Series(_event()))
    text = " ".join(_assert_inert(card).text)
    for expected in ("Strike", "missile", "Kharkiv", "(place)", "2024-05-01", "Claimed by army",
                     "unverified", "A missile hit the city.", "Report", "31.5 km from the border"):
        assert expected in text
    assert 'href="https://news.example/a?x=1&amp;y=2"' in card and 'rel="noopener noreferrer"' in card


def test_article_text_is_escaped_in_the_rendered_map():
    hostile = dict(evidence=SCRIPT, title=IMG, place=SCRIPT + IMG, claimed_by=IMG, sub_type=SCRIPT, precision=IMG)
    html = _render([_event(**hostile)])
    assert "alert(1)" in html  # the text is there ...
    for raw in ("<script>alert", "<img", "<b>Strike"):  # ... but never as raw markup
        assert raw not in html
    popup, tooltip = _popups(html)[0], _tooltips(html)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popup
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup and "&lt;img" in tooltip
    for markup in (popup, tooltip):
        parsed = _assert_inert(markup)
        assert SCRIPT in "".join(parsed.text) or IMG in "".join(parsed.text)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "//evil.example/x", "/relative"]
)
def test_only_http_urls_become_links(url):
    assert safe_http_url(url) is None
    popup = _popups(_render([_event(url=url, title="Headline")]))[0]
    assert "<a" not in popup and "javascript" not in popup.lower()
    assert "Headline" in popup  # the title is still shown, as text


def test_js_and_jinja_metacharacters_stay_text():
    evidence = "${alert(1)} `tick` back\\slash " + JINJA + " {% if true %}x{% endif %}"
    html = _render([_event(evidence=evidence, place=JINJA)])
    assert "pwned" not in html  # not evaluated by branca's re-rendering
    assert "${" not in html and "`tick`" not in html
    assert evidence in "".join(_assert_inert(_popups(html)[0]).text)


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
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[30, 50], [31, 51]]}}
    assert "[[[50.0, 30.0], [51.0, 31.0]]]" in _render([], border=feature)
    with pytest.raises(ConfigurationError):
        build_event_map(pd.DataFrame(), border={"type": "Point", "coordinates": [30, 50]})


def test_view_fits_the_events_unless_told_otherwise():
    html = _render([_event(lat=48.0, lon=30.0), _event(lat=50.0, lon=35.0)])
    assert re.search(r"fitBounds\(\s*\[\[48\.0, 30\.0\], \[50\.0, 35\.0\]\]", html)
    fixed = _render([_event()], center=(49.0, 32.0), zoom=6)
    assert "fitBounds" not in fixed and "[49.0, 32.0]" in fixed


def test_neutral_background_and_optional_tiles():
    m = build_event_map(pd.DataFrame([_event()]), tiles=None)
    html = m.get_root().render()
    assert f"#{m.get_name()} {{ background: {MAP_BACKGROUND}; }}" in html
    assert "L.tileLayer(" not in html


def test_through_st_folium(monkeypatch):
    """What streamlit_folium sends its iframe: background kept, markers and popups intact."""
    streamlit_folium = pytest.importorskip("streamlit_folium")
    sent = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    m = localize_map(build_event_map(pd.DataFrame([_event(evidence=SCRIPT)]), border=BORDER))
    streamlit_folium.st_folium(m, returned_objects=[])
    assert f"#map_div {{ background: {MAP_BACKGROUND}; }}" in sent["header"]
    assert sent["script"].count("L.circleMarker(") == 1 and "<script>alert" not in sent["script"]
    assert "&lt;script&gt;" in _popups(sent["script"])[0]


def test_localized_event_map_needs_no_internet():
    m = localize_map(build_event_map(pd.DataFrame([_event()]), border=BORDER))
    assert remote_asset_urls(m) == []


def test_two_thousand_markers():
    events = pd.DataFrame([_event(lat=45 + (i % 100) / 20, lon=30 + i // 100 / 5, event_id=f"e{i}") for i in range(2000)])
    assert build_event_map(events).get_root().render().count("L.circleMarker(") == 2000


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_rendered_script_runs_and_yields_the_escaped_cards(tmp_path):
    """Run the map's inline scripts in node against a stub Leaflet: no syntax error, no
    alert(), and each popup's innerHTML is exactly event_popup_html(row)."""
    rows = [_event(evidence="${alert(1)} `x` \\u " + SCRIPT, title=IMG), _event(event_type="diplomacy", place=JINJA)]
    html = _render(rows, border=BORDER)
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    harness = """
        const alerts = [], popups = [];
        globalThis.alert = (x) => alerts.push(x);
        const stub = new Proxy(function () {}, {
            get: (t, p) => (p === Symbol.toPrimitive ? () => "" : stub),
            apply: () => stub, construct: () => stub,
        });
        globalThis.L = globalThis.$ = stub;
        globalThis.document = { createElement: () => { const el = {}; popups.push(el); return el; } };
    """ + "\n;\n".join(scripts) + """
        console.log(JSON.stringify({ alerts, popups: popups.map((p) => p.innerHTML) }));
    """
    path = tmp_path / "map.js"
    path.write_text(harness, encoding="utf-8")
    out = subprocess.run(["node", str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["alerts"] == []
    assert sorted(result["popups"]) == sorted(event_popup_html(r) for r in rows)


# --------------------------------------------------------------------------- the atlas map

from geo.mapping import DETAIL_LIMIT, atlas_payload, border_rings, build_atlas_map  # noqa: E402


def _payload_from_html(html: str) -> dict:
    """The data the atlas layer parses in the browser (a JSON string inside a JS string)."""
    (literal,) = re.findall(r'var D = JSON\.parse\(("(?:[^"\\]|\\.)*")\);', html)
    return json.loads(json.loads(literal))


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
    events = pd.DataFrame([_event(event_type=t, lat=48 + i, lon=30 + i, event_id=i + 1) for i, t in enumerate(EVENT_TYPES)])
    html = build_atlas_map(events, border=BORDER, rings=border_rings(BORDER, (25,)),
                           line={"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[30, 49], [31, 50]]}}).get_root().render()
    for t in EVENT_TYPES:
        assert f'"{TYPE_LABELS[t]} (1)"' in html
    for name in ("Heatmap", "Border", "25 km from the border", "Reference line"):
        assert f'"{name}"' in html
    assert "event-atlas-legend" in html and "event-atlas-fullscreen" in html
    assert "Event #" in html  # popup text streamlit_folium returns on a click
    assert re.search(r"fitBounds\(\s*\[\[48(\.0)?, 30(\.0)?\], \[53(\.0)?, 35(\.0)?\]\]", html)


def test_border_rings_lie_at_their_distance():
    line = {"type": "LineString", "coordinates": [[30.0, 50.0], [34.0, 50.0]]}
    ((km, lines),) = border_rings(line, (50,))
    from geo.borders import distance_to_line_km

    pts = [pt for ln in lines for pt in ln]
    assert km == 50 and len(pts) > 20
    dist = distance_to_line_km([p[0] for p in pts], [p[1] for p in pts], line)
    assert all(abs(d - 50) < 1.5 for d in dist), dist


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
    from geo.mapping import atlas_payload

    df = pd.DataFrame({"event_id": [1], "event_type": ["strike"], "place": ["Kharkiv"], "lat": [50.0],
                       "lon": [36.2], "date": ["2024-05-13"], "verified": [None],
                       "claimed_by": ["Governor\x00<img/src/onerror=alert(1)//> Syniehubov"]})
    text = json.dumps(atlas_payload(df))
    assert "<img" not in text and "onerror=alert(1)" not in text.replace("&lt;img/src/onerror=alert(1)//&gt;", "")


def test_clusters_carry_a_count_label():
    """The cluster's event count is drawn on it (a divIcon of digits only), not just in its tooltip."""
    from geo.mapping import LABEL_LIMIT

    events = pd.DataFrame([_event(lat=50.0, lon=36.2, event_id=i + 1, place=IMG) for i in range(5)])
    m = localize_map(build_atlas_map(events))
    html = m.get_root().render()
    assert ".event-atlas-count span" in html  # the label's CSS, in the page (no CDN)
    assert 'L.divIcon({className: "event-atlas-count", html: "<span>" + (n | 0) + "</span>"' in html
    assert "labels.push({n: c.n" in html and "<img" not in html
    assert _payload_from_html(html)["lbl"] == LABEL_LIMIT
    assert remote_asset_urls(m) == []
