"""Build the folium map of extracted events (no Streamlit here; the app displays it).

Article text is untrusted and reaches the page through three interpreters, so it is
escaped for each (see tests/test_mapping.py):

1. HTML: Leaflet puts popup/tooltip strings into ``innerHTML`` -> :func:`html.escape`.
2. JavaScript: folium's own Popup/Tooltip paste HTML into `` `template literals` ``
   escaping only backticks, so ``${...}`` would run. We bind popups ourselves from a
   JSON string literal (:func:`_js_string`) and never use those templates.
3. Jinja: branca wraps every element's rendered script in ``Element(template=...)``,
   i.e. *compiles the output as a Jinja template again*; ``{{ ... }}`` in article
   text would execute Python on the server. So ``{`` and ``}`` never survive as such.

:func:`event_popup_html` additionally writes `` ` `` ``$`` ``\\`` ``{`` ``}`` as HTML
character references, so its output stays inert even inside ``folium.Popup``.

The map returned by :func:`build_event_map` still points at folium's CDN assets;
call :func:`geo.assets.localize_map` on it *after* adding anything else (e.g. a
MarkerCluster), right before handing it to ``st_folium``.
"""
from __future__ import annotations

import html
import json
import math
from datetime import date, datetime
from typing import Any, Mapping
from urllib.parse import urlsplit

import folium
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from geo.errors import ConfigurationError
from geo.model import EVENT_TYPES

# Okabe-Ito based palette (colour-blind safe); red is left for the border line.
TYPE_COLOURS: dict[str, str] = {
    "strike": "#D55E00",
    "interception": "#0072B2",
    "explosion": "#E69F00",
    "ground_fighting": "#CC79A7",
    "territorial_change": "#009E73",
    "diplomacy": "#6A3D9A",
}
TYPE_LABELS: dict[str, str] = {
    "strike": "Strike",
    "interception": "Interception",
    "explosion": "Explosion",
    "ground_fighting": "Ground fighting",
    "territorial_change": "Territorial change",
    "diplomacy": "Diplomacy",
}
OTHER_COLOUR = "#666666"  # event types this map does not know yet
BORDER_COLOUR = "#D7191C"
MAP_BACKGROUND = "#E8E6E1"  # shown where tiles are missing (offline)

_DEFAULT_CENTER = (20.0, 0.0)
_DEFAULT_ZOOM = 2
_FIT_MAX_ZOOM = 10  # a single event should not zoom to street level


def event_popup_html(row: Mapping[str, Any]) -> str:
    """Popup card for one event (a dict or a DataFrame row); every field is optional.

    Shows type, sub_type, place (precision), date, claimed_by / verified, the evidence
    sentence, the article title (a link only for http/https URLs) and the distance to
    the border. All article-derived text is HTML-escaped, and the characters JS
    template literals and Jinja treat specially are character references (see module
    docstring), so the card is safe even in ``folium.Popup(card)``.
    """
    etype = _get(row, "event_type")
    colour = TYPE_COLOURS.get(etype, OTHER_COLOUR)
    head = _esc(type_label(etype))
    if (sub := _get(row, "sub_type")) is not None:
        head += f" &middot; {_esc(sub)}"
    parts = [f'<div style="font-weight:600;color:{colour}">{head}</div>']

    place, precision = _get(row, "place"), _get(row, "precision")
    if place is not None:
        suffix = f' <span style="color:#666">({_esc(precision)})</span>' if precision else ""
        parts.append(f"<div>{_esc(place)}{suffix}</div>")
    if (when := _get(row, "date")) is not None:
        parts.append(f'<div style="color:#666">{_esc(_date_text(when))}</div>')

    claim = []
    if (claimed := _get(row, "claimed_by")) is not None:
        claim.append(f"Claimed by {_esc(claimed)}")
    if (verified := _get(row, "verified")) is not None:
        claim.append("verified" if _truthy(verified) else "unverified")
    if claim:
        parts.append(f"<div>{' &middot; '.join(claim)}</div>")

    if (evidence := _get(row, "evidence")) is not None:
        parts.append(
            f'<blockquote style="margin:6px 0;padding-left:6px;border-left:3px solid {colour};'
            f'font-style:italic">{_esc(evidence)}</blockquote>'
        )
    if (source := _source_html(_get(row, "title"), _get(row, "url"))) is not None:
        parts.append(f"<div>{source}</div>")
    if (km := _number(_get(row, "border_distance_km"))) is not None:
        parts.append(f'<div style="color:#666">{km:.1f} km from the border</div>')

    card = '<div style="font:13px/1.4 sans-serif;min-width:180px">' + "".join(parts) + "</div>"
    return _inert(card)


def type_label(event_type: Any) -> str:
    """Human label for an event type; unknown types come back as-is (raw: escape before use)."""
    if event_type is None:
        return "Event"
    return TYPE_LABELS.get(event_type, str(event_type))


def safe_http_url(url: Any) -> str | None:
    """`url` if it is an absolute http(s) URL without whitespace/control characters, else None.

    Rejects ``javascript:``, ``data:`` and relative URLs, which must never become links.
    """
    if url is None:
        return None
    url = str(url).strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None  # browsers strip these inside schemes ("java\tscript:")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def build_event_map(
    events: pd.DataFrame,
    border: dict | None = None,
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    tiles: str | None = "OpenStreetMap",
) -> folium.Map:
    """Map with one CircleMarker per located event, one toggleable layer per event type.

    `events` needs ``lat``/``lon`` (rows without valid coordinates are skipped) and may
    have any of the popup columns. `border` is a GeoJSON LineString/MultiLineString
    geometry (or a Feature wrapping one) in lon/lat order, drawn as a red line. The
    view fits the events (else the border) unless `center` or `zoom` is given.
    `tiles=None` draws no base map. Markers use a canvas renderer (thousands of SVG
    nodes are slow). The map is *not* localized: see :func:`geo.assets.localize_map`.
    """
    m = folium.Map(
        location=list(center or _DEFAULT_CENTER),
        zoom_start=_DEFAULT_ZOOM if zoom is None else zoom,
        tiles=tiles,
        prefer_canvas=True,
        control_scale=True,
    )
    m.add_child(_MapBackground(MAP_BACKGROUND))

    groups: dict[Any, folium.FeatureGroup] = {}
    counts: dict[Any, int] = {}
    points: list[tuple[float, float]] = []
    records = events.to_dict("records") if events is not None and len(events) else []
    for row in records:
        loc = _location(row)
        if loc is None:
            continue
        etype = _get(row, "event_type")
        key = etype if etype in TYPE_COLOURS else None
        if key not in groups:
            groups[key] = folium.FeatureGroup(name=type_label(key) if key else "Other")
            counts[key] = 0
        _marker(row, loc, etype).add_to(groups[key])
        counts[key] += 1
        points.append(loc)

    # Fixed legend order (EVENT_TYPES), with counts; names are our own labels, not article text.
    for key in [t for t in EVENT_TYPES if t in groups] + ([None] if None in groups else []):
        groups[key].layer_name = f"{groups[key].layer_name} ({counts[key]})"
        groups[key].add_to(m)

    border_lines = _border_lines(border) if border is not None else []
    if border_lines:
        layer = folium.FeatureGroup(name="Border")
        folium.PolyLine(border_lines, color=BORDER_COLOUR, weight=2.5, opacity=0.9).add_to(layer)
        layer.add_to(m)

    if groups or border_lines:
        folium.LayerControl(collapsed=True).add_to(m)
    fit = points or [pt for line in border_lines for pt in line]
    if fit and center is None and zoom is None:
        lats, lons = [p[0] for p in fit], [p[1] for p in fit]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], max_zoom=_FIT_MAX_ZOOM, padding=(20, 20))
    return m


class _MapBackground(MacroElement):
    """Neutral map background, so missing (offline) tiles look intentional.

    Failed tiles stay invisible (leaflet.css hides tiles until loaded), so only this
    colour shows. An id selector beats leaflet.css's ``.leaflet-container`` rule
    whatever the load order (streamlit_folium appends CSS links late, and rewrites
    the map id in this header to its own ``map_div``).
    """

    _template = Template(
        """{% macro header(this, kwargs) %}
        <style>#{{ this._parent.get_name() }} { background: {{ this.colour }}; }</style>
        {% endmacro %}"""
    )

    def __init__(self, colour: str):
        super().__init__()
        self._name = "MapBackground"
        self.colour = colour


def _marker(row: Mapping[str, Any], loc: tuple[float, float], etype: Any) -> "_EventMarker":
    colour = TYPE_COLOURS.get(etype, OTHER_COLOUR)
    approximate = _get(row, "precision") not in (None, "place")  # region/country centroid
    place = _get(row, "place")
    tip = f"<b>{_esc(type_label(etype))}</b>" + (f" &middot; {_esc(place)}" if place is not None else "")
    return _EventMarker(
        loc,
        popup_html=event_popup_html(row),
        tooltip_html=_inert(tip),
        radius=6,
        color=colour,
        weight=1,
        fill=True,
        fill_color=colour,
        fill_opacity=0.35 if approximate else 0.85,
    )


class _EventMarker(folium.CircleMarker):
    """A CircleMarker that binds its popup and tooltip in its own script.

    One element per event instead of three (CircleMarker + Popup + Tooltip): branca
    compiles each element's output as a Jinja template, which dominates render time.
    The popup content is a DOM node, like folium's, because streamlit_folium reads
    ``getPopup().getContent().innerText`` for ``last_object_clicked_popup``.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.circleMarker(
                {{ this.location|tojson }},
                {{ this.options|tojson }}
            ).addTo({{ this._parent.get_name() }});
            var {{ this.get_name() }}_popup = document.createElement("div");
            {{ this.get_name() }}_popup.innerHTML = {{ this.popup_js }};
            {{ this.get_name() }}.bindPopup({{ this.get_name() }}_popup, {"maxWidth": 320});
            {{ this.get_name() }}.bindTooltip({{ this.tooltip_js }}, {"sticky": true});
        {% endmacro %}"""
    )

    def __init__(self, location, *, popup_html: str, tooltip_html: str, **kwargs):
        super().__init__(location, **kwargs)
        self.popup_js = _js_string(popup_html)
        self.tooltip_js = _js_string(tooltip_html)


def _border_lines(border: dict) -> list[list[tuple[float, float]]]:
    """GeoJSON (lon, lat) line geometry -> list of [(lat, lon), ...] lines for Leaflet."""
    geom = border.get("geometry") if border.get("type") == "Feature" else border
    kind = (geom or {}).get("type")
    if kind == "LineString":
        lines = [geom["coordinates"]]
    elif kind == "MultiLineString":
        lines = geom["coordinates"]
    else:
        raise ConfigurationError(f"border must be a LineString or MultiLineString geometry, not {kind!r}")
    return [[(float(pt[1]), float(pt[0])) for pt in line] for line in lines if len(line) >= 2]


def _location(row: Mapping[str, Any]) -> tuple[float, float] | None:
    lat, lon = _number(_get(row, "lat")), _number(_get(row, "lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _get(row: Mapping[str, Any], key: str) -> Any:
    """row[key], with missing columns, None, NaN/NaT/pd.NA and blank strings all as None."""
    value = row.get(key) if hasattr(row, "get") else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # list-like values: not "missing"
        pass
    return value


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):  # CSV/SQLite round trips turn booleans into text
        return value.strip().lower() in ("1", "true", "yes", "y")
    return bool(value)


def _date_text(value: Any) -> str:
    if isinstance(value, datetime):  # includes pandas.Timestamp
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _source_html(title: Any, url: Any) -> str | None:
    href = safe_http_url(url)
    text = _esc(title) if title is not None else None
    if href is None:
        return text
    link_text = text or _esc(urlsplit(href).netloc)
    return f'<a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener noreferrer">{link_text}</a>'


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


_INERT = str.maketrans({"\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"})


def _inert(markup: str) -> str:
    """Escaped HTML -> same HTML with JS-template and Jinja metacharacters as references.

    Only for markup built here: our own tags and styles contain none of these characters.
    """
    return markup.translate(_INERT)


def _js_string(text: str) -> str:
    """A JS string literal for `text` that cannot end a <script>, nor form Jinja syntax."""
    return (
        json.dumps(text)  # ensure_ascii: also escapes U+2028/U+2029
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("{", "\\u007b")
        .replace("}", "\\u007d")
    )
