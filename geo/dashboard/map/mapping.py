"""Build the folium map of extracted events (no Streamlit here; the app displays it).

Article text is untrusted and reaches the page through three interpreters, so it is
escaped for each (see tests/dashboard/map/test_mapping.py):

1. HTML: Leaflet puts popup/tooltip strings into ``innerHTML`` -> :func:`html.escape`.
2. JavaScript: folium's own Popup/Tooltip paste HTML into `` `template literals` ``
   escaping only backticks, so ``${...}`` would run. Our map's data reaches the page as a
   JSON string literal (:func:`geo.dashboard.cards.js_string`); folium's popup templates are never used.
3. Jinja: branca wraps every element's rendered script in ``Element(template=...)``,
   i.e. *compiles the output as a Jinja template again*; ``{{ ... }}`` in article
   text would execute Python on the server. So ``{`` and ``}`` never survive as such.

:func:`geo.dashboard.cards.event_popup_html` additionally writes `` ` `` ``$`` ``\\`` ``{`` ``}`` as HTML
character references, so its output stays inert even inside ``folium.Popup``.

The map returned by :func:`build_atlas_map` still points at folium's CDN assets;
call :func:`geo.dashboard.map.assets.localize_map` on it *after* adding anything else, right before
handing it to ``st_folium``. The map's own JavaScript and CSS (clustering layer, legend,
fullscreen button, offline base land) live in ``static/*.js`` / ``*.css`` beside this module and
are loaded like folium's plugins (``default_js``/``default_css``); each element's template only
calls one of those functions with its data.
"""
from __future__ import annotations

import json

import folium
import folium.plugins
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from ...errors import ConfigurationError
from ...model import EVENT_TYPES
from ..cards import (
    OTHER_COLOUR,
    TYPE_COLOURS,
    TYPE_SYMBOLS,
    claim_html,
    date_label,
    detail_html,
    esc,
    inert,
    js_string,
    place_html,
    quantities_text,
    type_label,
    verified_text,
)

BORDER_COLOUR = "#D7191C"
MAP_BACKGROUND = "#D6E2EA"  # water: shown where tiles are missing (offline) and around the land

_DEFAULT_CENTER = (20.0, 0.0)
_DEFAULT_ZOOM = 2
_FIT_MAX_ZOOM = 8  # a single event should not zoom to street level
#: The fitted view spans at least this many degrees of latitude (and twice that of longitude):
#: when the filters leave one event, or a few close together, the map keeps enough context
#: (towns, a border, a coast) to orient on instead of zooming in to a blank sheet.
MIN_FIT_SPAN = 2.0
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


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


# --------------------------------------------------------------------------- the atlas map
#
# One folium CircleMarker per event is fine for hundreds, hopeless for 100k (10k markers
# took ~87 s to draw). build_atlas_map sends the browser compact columnar
# data instead (events dictionary-coded against tables of distinct locations, days, claims,
# already escaped on the server) and clusters *distinct locations* on a pixel grid per zoom
# level in the browser, so pan/zoom never needs the server and the payload stays ~20 bytes
# an event. Clicking a cluster zooms in; at the deepest zoom, or where every event of a
# cluster is at the same spot, the cluster fans out ("spiderfies") into its events. A cluster
# spans every visible type (coloured by its commonest type, dark outline when mixed) and
# is redrawn when a type layer is switched off or on. Each cluster shows its event count as a
# label (the biggest LABEL_LIMIT clusters in view), its breakdown by type in a tooltip.

#: Above this many events, popups leave out the evidence sentence and article link (the
#: page shows them for the selected event) so that the payload stays small.
DETAIL_LIMIT = 5000
#: Clusters stop merging at this zoom; below it a click on a cluster zooms in.
CLUSTER_MAX_ZOOM = 12
#: At most this many events fan out of one spot (the rest are counted in a note).
SPIDER_LIMIT = 60
#: At most this many clusters in view get a count label (the biggest; each label is a DOM
#: node, while the circles are drawn on one canvas).
LABEL_LIMIT = 300
#: Where the map's own scripts and styles (geo/dashboard/map/static/) are served; geo.dashboard.map.assets
#: copies them to static/vendor/event-atlas/ with the other offline assets.
STATIC_URL = "/app/static/vendor/event-atlas"
RING_COLOUR = "#7F7F7F"
LINE_COLOUR = "#1B1B1B"


def _flags(series: pd.Series) -> list[int] | None:
    flags = series.fillna(False).astype(bool)
    return flags.astype(int).tolist() if flags.any() else None


def atlas_payload(events: pd.DataFrame, *, km_column: str = "border_distance_km",
                  detail_limit: int = DETAIL_LIMIT) -> dict:
    """The compact, pre-escaped data the browser-side layer draws (see module notes).

    Every string in it is HTML-escaped and made inert (:func:`inert`) here, so the
    JavaScript only concatenates them.
    """
    df = events if events is not None else pd.DataFrame()
    lat = pd.to_numeric(df["lat"], errors="coerce") if "lat" in df else pd.Series(dtype=float)
    lon = pd.to_numeric(df["lon"], errors="coerce") if "lon" in df else pd.Series(dtype=float)
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    df = df[ok.to_numpy()]
    if "event_id" in df:
        df = df.sort_values("event_id", kind="stable")
    n = len(df)
    lat, lon = lat[df.index].round(5), lon[df.index].round(5)

    def col(name: str) -> pd.Series:
        return df[name] if name in df else pd.Series([None] * n, index=df.index, dtype=object)

    def text(series: pd.Series) -> pd.Series:  # missing -> "" ; else str
        return series.astype(object).where(series.notna(), "").astype(str).str.strip()

    place, precision = text(col("place")), text(col("precision"))
    km = pd.to_numeric(col(km_column), errors="coerce").round(1)
    loc_codes, loc_uniques = pd.MultiIndex.from_arrays(
        [lat.to_numpy(), lon.to_numpy(), place.to_numpy(), precision.to_numpy(), km.fillna(-1.0).to_numpy()]
    ).factorize()
    locs = pd.DataFrame(list(loc_uniques), columns=["lat", "lon", "place", "precision", "km"]) if n else \
        pd.DataFrame(columns=["lat", "lon", "place", "precision", "km"])

    def loc_html(p: str, prec: str) -> str:
        return inert(place_html(p, prec) if p else place_html("Unnamed place", prec))

    types = [t for t in EVENT_TYPES]
    etype = text(col("event_type"))
    tcode = etype.map({t: i for i, t in enumerate(types)}).fillna(len(types)).astype(int)

    def coded(series: pd.Series, render) -> tuple[list[int], list[str]]:
        codes, uniques = pd.factorize(series)
        table = [render(u) for u in uniques]
        if "" in list(uniques):  # "" means missing: code -1
            empty = list(uniques).index("")
            codes = np.where(codes == empty, -1, codes)
        return codes.tolist(), table

    day_key = text(col("date")).str.slice(0, 10)
    day_key = day_key.where(day_key == "", day_key + "\x00" + text(col("date_precision")))
    day_codes, days = coded(day_key, lambda k: inert(esc(date_label(*(k.split("\x00") + [None])[:2]))))
    qty_codes, qtys = coded(col("quantities").map(quantities_text).astype(str), lambda q: inert(esc(q)))
    sub_codes, subs = coded(text(col("sub_type")), lambda s: inert(esc(s)))
    # "verified"/"unverified"/"" worked out once per distinct value, not once per event.
    ver_codes, ver_values = pd.factorize(col("verified"))
    ver_text = np.array([verified_text(v) or "" for v in ver_values] + [""], dtype=object)[ver_codes]
    # Control characters (a NUL inside article text) never reach the key's separator.
    claims = text(col("claimed_by")).str.replace(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", regex=True)
    claim_key = claims + "\x00" + ver_text

    def claim_cell(key: str) -> str:
        who, _, ver = key.partition("\x00")
        return inert(claim_html(who, ver))

    claim_codes, claims = coded(claim_key.where(claim_key != "\x00", ""), claim_cell)
    ids = pd.to_numeric(col("event_id"), errors="coerce").fillna(0).astype("int64").to_numpy()
    # Day number (days since 1970-01-01) per entry of the day table, for the date window the
    # browser applies (_ViewCommand): parsed as the dashboard's "day" column is; aligned with "Dy".
    day_table = pd.to_datetime(pd.Series([k.split("\x00")[0] for k in pd.unique(day_key)],
                                         dtype=object), errors="coerce", format="%Y-%m-%d")
    dd = [None if pd.isna(v) else int(v) for v in (day_table - pd.Timestamp("1970-01-01")).dt.days]
    payload = {
        "n": n,
        "T": [inert(esc(type_label(t))) for t in types] + ["Other"],
        "C": [TYPE_COLOURS[t] for t in types] + [OTHER_COLOUR],
        "la": locs["lat"].tolist(), "lo": locs["lon"].tolist(),
        "lh": [loc_html(p, q) for p, q in zip(locs["place"], locs["precision"])],
        "lk": [None if k < 0 else float(k) for k in locs["km"]],
        "la_approx": [int(q not in ("", "place")) for q in locs["precision"]],
        "Dy": days, "Sb": subs, "Cl": claims, "Q": qtys,
        "e": {
            "l": loc_codes.tolist(), "t": tcode.tolist(), "d": day_codes, "s": sub_codes, "c": claim_codes,
            "q": qty_codes,
            # ids ascending: deltas are mostly 1, which keeps the JSON short
            "i": np.diff(ids, prepend=0).tolist(),
        },
        "f": _flags(col("less_certain")),  # 1 = below the confidence threshold, drawn lighter (#11); None: none
        "dd": dd,
        "zmax": CLUSTER_MAX_ZOOM, "spider": SPIDER_LIMIT, "lbl": LABEL_LIMIT,
    }
    if n <= detail_limit:
        evidence, title, url = col("evidence"), col("title"), col("url")
        payload["X"] = [
            inert(detail_html(ev, ti, u, payload["C"][t])) for ev, ti, u, t in zip(evidence, title, url, tcode)
        ]
    return payload


def build_atlas_map(
    events: pd.DataFrame,
    border: dict | None = None,
    *,
    rings: list[tuple[float, list[list[tuple[float, float]]]]] | None = None,
    line: dict | None = None,
    heat: bool = False,
    base_geojson: dict | str | None = None,
    km_column: str = "border_distance_km",
    tiles: str | None = "OpenStreetMap",
    detail_limit: int = DETAIL_LIMIT,
    payload: dict | None = None,
    labels: list | None = None,
    viewport: tuple[float, float, int] | None = None,
) -> folium.Map:
    """The dashboard's map: clustered event layers (one per type, with legend), heatmap,
    border line (+ optional distance `rings` from :func:`geo.geometry.rings.border_rings`), an optional
    reference `line` (GeoJSON), a fullscreen button, and an offline base layer.

    `base_geojson` (country polygons, e.g. Natural Earth) and `labels` (place names by zoom,
    :func:`geo.geometry.basemap.place_labels`) are drawn *under* the tiles, so they show where
    tiles fail to load (offline), and alone under the base layer "Outlines only (offline)",
    which the layer control offers beside the tiles. `payload` (from :func:`atlas_payload`,
    not modified) may be passed precomputed, e.g. cached; `events` is then ignored.
    `viewport` (lat, lon, zoom) opens the map there instead of fitting the events.
    Not localized: see geo.dashboard.map.assets.localize_map.
    """
    m = folium.Map(location=list(viewport[:2]) if viewport else list(_DEFAULT_CENTER),
                   zoom_start=viewport[2] if viewport else _DEFAULT_ZOOM, tiles=None,
                   prefer_canvas=True, control_scale=True)
    if tiles:
        folium.TileLayer(tiles, name="OpenStreetMap (online)",
                         attr=OSM_ATTRIBUTION if tiles == "OpenStreetMap" else None).add_to(m)
    m.add_child(_MapBackground(MAP_BACKGROUND))
    if base_geojson is not None:
        m.add_child(_BaseLand(base_geojson, labels or []))
        if tiles:
            m.add_child(_OutlinesOnly())
    if payload is None:
        payload = atlas_payload(events, km_column=km_column, detail_limit=detail_limit)
    counts = np.bincount(np.asarray(payload["e"]["t"], dtype=int), minlength=len(payload["T"])) \
        if payload["n"] else np.zeros(len(payload["T"]), dtype=int)
    groups = []
    for i, label in enumerate([type_label(t) for t in EVENT_TYPES] + ["Other"]):
        if counts[i]:
            g = folium.FeatureGroup(name=f"{label} ({counts[i]})")
            g.add_to(m)
            groups.append(g.get_name())
        else:
            groups.append(None)
    heat_group = folium.FeatureGroup(name="Heatmap", show=heat)
    heat_group.add_to(m)
    m.add_child(_AtlasLayer(payload, groups, heat_group.get_name()))
    legend = [(i, TYPE_COLOURS.get(t, OTHER_COLOUR), TYPE_SYMBOLS.get(t, "•"), type_label(t), int(counts[i]))
              for i, t in enumerate(EVENT_TYPES) if counts[i]]
    if counts[-1]:
        legend.append((len(EVENT_TYPES), OTHER_COLOUR, "•", "Other", int(counts[-1])))
    m.add_child(_Legend(legend))
    m.add_child(_Fullscreen())

    fit: list[tuple[float, float]] = list(zip(payload["la"], payload["lo"]))
    border_lines = _border_lines(border) if border is not None else []
    if border_lines:
        layer = folium.FeatureGroup(name="Border")
        folium.PolyLine(border_lines, color=BORDER_COLOUR, weight=2.5, opacity=0.9).add_to(layer)
        layer.add_to(m)
        if not fit:
            fit = [pt for ln in border_lines for pt in ln]
    for km, lines in rings or []:
        if lines:
            layer = folium.FeatureGroup(name=f"{km:g} km from the border")
            folium.PolyLine(lines, color=RING_COLOUR, weight=1.2, opacity=0.8, dash_array="6 4").add_to(layer)
            layer.add_to(m)
    if line is not None:
        from ...geometry import line_latlon  # heavy: shapely

        ref = line_latlon(line)
        if ref:
            layer = folium.FeatureGroup(name="Reference line")
            folium.PolyLine(ref, color=LINE_COLOUR, weight=2.5, opacity=0.9, dash_array="2 6").add_to(layer)
            layer.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    if fit and viewport is None:
        # The legend (bottom right) and the list of events in view (top right) are kept clear.
        m.fit_bounds(_with_context(fit), max_zoom=_FIT_MAX_ZOOM, padding_top_left=(20, 50),
                     padding_bottom_right=(200, 30 + 22 * len(legend)))
    return m


def _with_context(points: list[tuple[float, float]]) -> list[list[float]]:
    """The bounds of `points`, widened to MIN_FIT_SPAN degrees around their centre if narrower."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    s, n, w, e = min(lats), max(lats), min(lons), max(lons)
    if n - s < MIN_FIT_SPAN:
        mid = (s + n) / 2
        s, n = max(-85.0, mid - MIN_FIT_SPAN / 2), min(85.0, mid + MIN_FIT_SPAN / 2)
    if e - w < 2 * MIN_FIT_SPAN:
        mid = (w + e) / 2
        w, e = max(-180.0, mid - MIN_FIT_SPAN), min(180.0, mid + MIN_FIT_SPAN)
    return [[round(s, 5), round(w, 5)], [round(n, 5), round(e, 5)]]


def view_command(from_day: int | None = None, to_day: int | None = None, trail_days: int = 0,
                 selected: int | None = None) -> folium.FeatureGroup:
    """What changes on the drawn map without reloading it, as a feature group for st_folium's
    ``feature_group_to_add`` (evaluated in the map's page whenever it changes): the date window
    (day numbers since 1970-01-01, both ends included; None: every day), the faded trail of
    `trail_days` before it (playback), and the selected event (highlighted; centred when it was
    chosen outside the map). See static/atlas-layer.js, eventAtlasApply."""
    group = folium.FeatureGroup(name="View", control=False)
    group.add_child(_ViewCommand({"from": from_day, "to": to_day, "trail": int(trail_days), "sel": selected}))
    return group


class _ViewCommand(MacroElement):
    """Calls ``eventAtlasApply`` with the view command (numbers only; see :func:`view_command`)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
eventAtlasApply({{ this.cmd_js }});
{% endmacro %}"""
    )

    def __init__(self, cmd: dict):
        super().__init__()
        self._name = "ViewCommand"
        if not all(v is None or isinstance(v, int) for v in cmd.values()):
            raise ConfigurationError(f"view command values must be integers: {cmd!r}")
        self.cmd_js = json.dumps(cmd, separators=(",", ":"))


class _OutlinesOnly(folium.map.Layer):
    """A base layer with no tiles: choosing it leaves the offline outlines and labels alone
    (tiles, while they load, would cover them)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.layerGroup();
{% endmacro %}"""
    )

    def __init__(self):
        super().__init__(name="Outlines only (offline)", overlay=False, show=False)
        self._name = "OutlinesOnly"


class _AtlasLayer(JSCSSMixin, MacroElement):
    """Browser-side clustering of :func:`atlas_payload` into the per-type feature groups.

    Markers go into folium FeatureGroups that exist when streamlit_folium initialises, so
    its click handler (registered on those groups) sees marker clicks: the popup's text,
    which ends with "Event #<id>", comes back as ``last_object_clicked_popup``.
    The clustering itself is static/atlas-layer.js; the template passes the payload and groups.
    """

    default_js = [
        *folium.plugins.HeatMap.default_js,  # the heat layer is Leaflet.heat, as folium ships it
        ("event_atlas_layer", f"{STATIC_URL}/atlas-layer.js"),
    ]
    default_css = [("event_atlas_css", f"{STATIC_URL}/atlas.css")]
    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  var D = JSON.parse({{ this.data_js }});
  eventAtlasLayer({{ this._parent.get_name() }}, D,
    [{% for g in this.groups %}{{ g if g else "null" }},{% endfor %}], {{ this.heat_group }});
})();
{% endmacro %}"""
    )

    def __init__(self, payload: dict, groups: list[str | None], heat_group: str):
        super().__init__()
        self._name = "AtlasLayer"
        self.data_js = js_string(json.dumps(payload, separators=(",", ":"), allow_nan=False))
        self.groups = groups
        self.heat_group = heat_group


class _Legend(JSCSSMixin, MacroElement):
    """Legend control: colour, symbol, label and count per event type (our own strings only)."""

    default_js = [("event_atlas_legend", f"{STATIC_URL}/legend.js")]
    _template = Template(
        """{% macro script(this, kwargs) %}
eventAtlasLegend({{ this._parent.get_name() }}, {{ this.html_js }});
{% endmacro %}"""
    )

    def __init__(self, rows: list[tuple[int, str, str, str, int]]):
        super().__init__()
        self._name = "Legend"
        # Each row names its type's index (data-t): the date window updates the count (legend.js).
        html_rows = "".join(
            f'<div data-t="{i}"><span style="color:{c};font-size:14px" aria-hidden="true">●</span> '
            f'<span style="color:{c}" aria-hidden="true">{esc(sym)}</span> '
            f'{esc(label)} <span class="n" style="color:#595959">({n:,})</span></div>'
            for i, c, sym, label, n in rows
        )
        self.html_js = js_string(inert(html_rows or "<div>No events</div>"))


class _Fullscreen(JSCSSMixin, MacroElement):
    """A fullscreen button (Fullscreen API on the map's container; no plugin asset needed)."""

    default_js = [("event_atlas_fullscreen", f"{STATIC_URL}/fullscreen.js")]
    _template = Template(
        """{% macro script(this, kwargs) %}
eventAtlasFullscreen({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self._name = "Fullscreen"


class _BaseLand(JSCSSMixin, MacroElement):
    """Country polygons and place labels in panes *below* the tiles: visible where tiles are
    missing, or under the "Outlines only" base layer. `geojson` is the polygons themselves, or the
    URL of a file {"land": polygons, "places": labels} (:func:`geo.dashboard.map.assets.install_base_map`:
    the world's outlines are served once, not inside every map)."""

    default_js = [("event_atlas_base_land", f"{STATIC_URL}/base-land.js")]
    _template = Template(
        """{% macro script(this, kwargs) %}
eventAtlasBaseLand({{ this._parent.get_name() }}, JSON.parse({{ this.data_js }}), JSON.parse({{ this.labels_js }}));
{% endmacro %}"""
    )

    def __init__(self, geojson: dict | str, labels: list):
        super().__init__()
        self._name = "BaseLand"
        self.data_js = js_string(json.dumps(geojson, separators=(",", ":")))
        # [lat, lon, name, min_zoom]: names are HTML-escaped and made inert like every payload string.
        self.labels_js = js_string(json.dumps([[la, lo, inert(esc(name)), int(z)] for la, lo, name, z in labels],
                                              separators=(",", ":")))
