"""What the page loads and caches: map assets, the first-start store, the events and the
border/line distances. Every `st.cache_*` of the page lives here.

`bootstrap()` gives the `Page` every region reads (store, version, events, date bounds, border
pairs); `filtered()` adds the chosen border pair's and the reference line's distances and applies
the view's filters.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from geo import settings
from geo.dashboard import DEFAULT_PAIR, ByteLRU, ViewState, views
from geo.dashboard.map import atlas_payload, install_base_map, install_static_assets
from geo.errors import StoreError
from geo.store import EventStore, display_location, store_version

from . import keys

APP_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PAIR_KEY = "-".join(DEFAULT_PAIR)  # "UA-RU", as the border selector and URLs write it


@dataclass(frozen=True, eq=False)
class Page:
    """What every region of the page reads: the store and this session's events."""

    db: Path | str  # the store: a SQLite file or a PostgreSQL URL (see store_location)
    version: object  # changes with the store (file mtime; on a server, counts and newest ids): a cache key part
    events: pd.DataFrame  # the store's events plus this session's own (see ui.add_articles)
    stored: pd.DataFrame
    session_events: pd.DataFrame | None
    n_session: str  # names this session's extra events for the caches ("" = the store's only)
    lo: date  # first and last day of the events (the date slider's bounds)
    hi: date
    pairs: dict[str, str]  # border pair key -> label


@dataclass(frozen=True)
class Line:
    """An uploaded reference line: its GeoJSON, canonical text (a cache key) and event distances."""

    geojson: dict | None = None
    json: str | None = None
    km: object = None  # numpy array of every event's distance to the line, or None


@dataclass(frozen=True)
class Shown:
    """`events`: what the filters leave; `undated`: the same but for the date range;
    `all`: every event with the chosen pair's distances (the card looks events up there)."""

    all: pd.DataFrame
    undated: pd.DataFrame
    events: pd.DataFrame


@st.cache_resource
def static_assets(static_dir: str) -> str:
    """Copy Leaflet & co. from the XStatic packages to static/ once per server."""
    return str(install_static_assets(static_dir))


@st.cache_resource
def border_geometry(a: str, b: str) -> dict | None:
    try:
        from geo.geometry import border_geojson

        return border_geojson(a, b)
    except Exception:  # the map still shows the events without the line
        return None


@st.cache_resource
def offline_land() -> str | None:
    """The URL of the offline base map (world outlines and place labels), written once per server."""
    try:
        from geo.geometry import cached_land_geojson, place_labels

        return install_base_map(str(APP_DIR / "static"), cached_land_geojson(), place_labels())
    except Exception:  # the base layer is a fallback: never fail the page for it
        return None


@st.cache_resource
def rings_for(a: str, b: str) -> list:
    from geo.geometry import border_rings

    border = border_geometry(a, b)
    return border_rings(border, (25, 50, 100)) if border is not None else []


@st.cache_resource
def pair_options() -> dict[str, str]:
    """'UA-RU' -> 'Ukraine – Russia': the land borders of the default pair's two countries,
    the default pair (the one stored distances are measured to) first."""
    first, second = DEFAULT_PAIR
    default = DEFAULT_PAIR_KEY
    try:
        from geo.geometry import country_name, neighbours

        out = {default: f"{country_name(first)} – {country_name(second)}"}
        for a in (first, second):
            for b in neighbours(a):
                key = f"{a}-{b}" if a == first or b != first else default
                out.setdefault(key, f"{country_name(key[:2])} – {country_name(key[3:])}")
    except Exception:  # border data unavailable: the default pair only (distances as stored)
        return {default: f"{first} – {second}"}
    return out


def progress_bar(text: str):
    """A progress bar and the `progress(done, total)` callback ingest and extraction report to."""
    bar = st.progress(0.0, text=text)

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"{done} of {total} articles")

    return bar, progress


def build_store(db: Path | str, articles_dir: str) -> None:
    """First start: ingest the bundled data into a new store (the `ingest` command's path), with progress."""
    from geo.ingest import ingest_files

    with st.status("Building the event store from the bundled articles…", expanded=True) as status:
        _, progress = progress_bar("Reading articles…")
        with EventStore(db) as store:
            report = ingest_files([articles_dir], store, progress=progress)
        for problem in report.failures + report.warnings:
            st.warning(views.markdown_literal(problem))
        status.update(label=f"Event store ready: {report.articles} articles, {report.events} events",
                      state="complete", expanded=False)


@st.cache_resource(max_entries=2, show_spinner="Loading events…")
def load_events(db: str, version: float) -> pd.DataFrame:
    """All events of the store, prepared for filtering; shared read-only by every session.

    `version` (see geo.store.store_version) invalidates the cache after an ingest. cache_resource, not
    cache_data: 100k rows are not copied on every rerun.
    """
    with EventStore(db) as store:
        return views.prepare_events(store.events_frame())


@st.cache_data(max_entries=4, show_spinner=False)
def filter_choices(db: str, version: float, n_session: str, _events: pd.DataFrame) -> dict[str, list]:
    return views.facets(_events)


@st.cache_data(max_entries=8, show_spinner=False)
def pair_frame(db: str, version: float, pair: tuple[str, str], n_session: str,
               _events: pd.DataFrame) -> pd.DataFrame:
    return views.pair_columns(_events, pair)


LINE_CACHE_BYTES = 64_000_000  # every session's reference-line distances together


@st.cache_resource
def line_cache() -> ByteLRU:
    """Distances to uploaded lines, server-wide, bounded by bytes (a count bound let 16 big
    lines pile up)."""
    return ByteLRU(LINE_CACHE_BYTES)


def line_distances(db: str, version: float, line_json: str, n_session: str, events: pd.DataFrame) -> np.ndarray:
    from geo.geometry import distance_to_line_km

    key = (db, version, hashlib.sha256(line_json.encode()).hexdigest(), n_session)
    km = line_cache().get(key)
    if km is None:
        km = np.round(distance_to_line_km(events["lat"].to_numpy(dtype=float), events["lon"].to_numpy(dtype=float),
                                          json.loads(line_json)), 1)
        line_cache().put(key, km)
    return km


@st.cache_resource(max_entries=6, show_spinner=False)
def map_payload(key: str, _shown: pd.DataFrame) -> dict:
    """The map's browser-side data for the shown events (read-only; `key` names what it
    depends on). A folium Map itself is not cached: st_folium's rendering changes it."""
    return atlas_payload(_shown, km_column="pair_km")


def store_location() -> Path | str:
    """The store: a PostgreSQL URL from the app's secrets (``[connections.event_atlas] url``, or a
    top-level ``EVENT_ATLAS_DB``), else the EVENT_ATLAS_DB setting. A URL from the secrets is also
    put into the environment so every part of this process (geocode cache, extraction worker)
    uses the same store."""
    try:
        url = (st.secrets.get("connections", {}).get("event_atlas", {}).get("url")
               or st.secrets.get("EVENT_ATLAS_DB"))
    except Exception:  # no secrets file
        url = None
    if url:
        import os

        os.environ[settings.setting("db").env] = str(url)
    return settings.db_location()


def _stop_on_store_error(db, exc: Exception) -> None:
    st.error(f"The event store {views.markdown_literal(display_location(db))} cannot be reached: "
             f"{views.markdown_literal(exc)}. Reload the page to try again.")
    st.stop()


def bootstrap() -> Page:
    """Map assets once per server, the store on first start, then this run's events."""
    static_assets(str(APP_DIR / "static"))
    db = store_location()
    try:
        if isinstance(db, Path) and not db.exists():
            build_store(db, settings.get("articles"))
        version = store_version(db)
        if isinstance(db, str) and version[0] == 0:  # a new, empty database: the bundled data first
            build_store(db, settings.get("articles"))
            version = store_version(db)
        stored = load_events(str(db), version)
    except StoreError as exc:  # e.g. the database server is down: a message, not a traceback
        _stop_on_store_error(db, exc)
    session_events = st.session_state.get(keys.SESSION_EVENTS)
    events = stored if session_events is None else pd.concat([stored, session_events], ignore_index=True)
    n_session = "" if session_events is None else st.session_state.get(keys.SESSION_TOKEN, "")
    days = events["day"].dropna()
    lo = days.min().date() if len(days) else date.today()
    hi = days.max().date() if len(days) else date.today()
    if lo == hi:
        hi = lo + timedelta(days=1)
    return Page(db=db, version=version, events=events, stored=stored, session_events=session_events,
                n_session=n_session, lo=lo, hi=hi, pairs=pair_options())


def reference_line(page: Page, geojson: dict | None) -> Line:
    """Every event's distance to an uploaded line; an unusable line is reported (sidebar) and dropped."""
    if geojson is None:
        return Line()
    line_json = json.dumps(geojson, sort_keys=True)
    try:
        km = line_distances(str(page.db), page.version, line_json, page.n_session, page.events)
    except Exception as exc:
        st.error(f"Cannot use that line: {views.markdown_literal(exc)}")
        return Line()
    return Line(geojson, line_json, km)


def filtered(page: Page, view: ViewState, line: Line) -> Shown:
    """The chosen border pair's distances (stored ones if geometry fails), the line's, then the filters."""
    events = page.events
    try:
        paired = pair_frame(str(page.db), page.version, view.pair, page.n_session, events)
        events = events.assign(pair_km=paired["pair_km"].to_numpy(), pair_side=paired["pair_side"].to_numpy())
    except Exception as exc:  # geometry unavailable: keep the stored distances
        st.warning(f"Distances to the {page.pairs[st.session_state[keys.PAIR]]} border are unavailable: "
                   f"{views.markdown_literal(exc)}")
        events = events.assign(pair_km=events["border_distance_km"], pair_side="other")
    if line.km is not None:
        events = events.assign(line_km=line.km)
    # Below the confidence threshold: shown only on request, then drawn lighter and marked (#11).
    events = events.assign(less_certain=views.below_confidence(events, view.min_confidence))
    undated = views.filter_events(events, view, ignore_dates=True)
    return Shown(all=events, undated=undated, events=views.filter_events(undated, view))
