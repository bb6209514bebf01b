"""Event Atlas: the Streamlit page (layout and widgets only; the work happens in `geo/`).

The whole view state lives in the URL (geo.views.ViewState <-> st.query_params): widgets are
initialised from it on a session's first run and write it back on every run.
"""
from __future__ import annotations

import html
import json
import re
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.dashboard import views
from geo.formats.articles import load_articles
from geo.dashboard.map.assets import install_static_assets, localize_map
from geo.formats.export import to_csv, to_geojson, to_kml
from geo.dashboard.map.mapping import TYPE_COLOURS, atlas_payload, border_rings, build_atlas_map, type_label
from geo.model import EVENT_TYPES
from geo.store.store import EventStore
from geo.dashboard.views import DISTANCE_BANDS, ViewState

APP_DIR = Path(__file__).resolve().parent
TABLE_LIMIT = 1000  # rows sent to the table (downloads have every filtered event)
SPEEDS = {"slow (2 s)": 2.0, "normal (1 s)": 1.0, "fast (0.5 s)": 0.5}
st.set_page_config(page_title="Event Atlas", page_icon="🗺️", layout="wide")


# --------------------------------------------------------------------------- cached data


@st.cache_resource
def static_assets(static_dir: str) -> str:
    """Copy Leaflet & co. from the XStatic packages to static/ once per server."""
    return str(install_static_assets(static_dir))


@st.cache_resource
def border_geometry(a: str, b: str) -> dict | None:
    try:
        from geo.geometry.borders import border_geojson

        return border_geojson(a, b)
    except Exception:  # the map still shows the events without the line
        return None


@st.cache_resource
def offline_land() -> dict | None:
    try:
        from geo.geometry.basemap import cached_land_geojson

        return cached_land_geojson()
    except Exception:  # the base layer is a fallback: never fail the page for it
        return None


@st.cache_resource
def rings_for(a: str, b: str) -> list:
    border = border_geometry(a, b)
    return border_rings(border, (25, 50, 100)) if border is not None else []


DEFAULT_PAIR_KEY = "-".join(views.DEFAULT_PAIR)  # "UA-RU", as the border selector and URLs write it


@st.cache_resource
def pair_options() -> dict[str, str]:
    """'UA-RU' -> 'Ukraine – Russia': the land borders of the default pair's two countries,
    the default pair (the one stored distances are measured to) first."""
    first, second = views.DEFAULT_PAIR
    default = DEFAULT_PAIR_KEY
    try:
        from geo.geometry.borders import country_name, neighbours

        out = {default: f"{country_name(first)} – {country_name(second)}"}
        for a in (first, second):
            for b in neighbours(a):
                key = f"{a}-{b}" if a == first or b != first else default
                out.setdefault(key, f"{country_name(key[:2])} – {country_name(key[3:])}")
    except Exception:  # border data unavailable: the default pair only (distances as stored)
        return {default: f"{first} – {second}"}
    return out


def build_store(db: Path, articles_dir: str) -> None:
    """First start: ingest the bundled data into a new store (the `ingest` command's path), with progress."""
    from geo.ingest import ingest_files

    with st.status("Building the event store from the bundled articles…", expanded=True) as status:
        bar = st.progress(0.0, text="Reading articles…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"{done} of {total} articles")

        with EventStore(db) as store:
            report = ingest_files([articles_dir], store, progress=progress)
        for problem in report.failures + report.warnings:
            st.warning(problem)
        status.update(label=f"Event store ready: {report.articles} articles, {report.events} events",
                      state="complete", expanded=False)


@st.cache_resource(max_entries=2, show_spinner="Loading events…")
def load_events(db: str, version: float) -> pd.DataFrame:
    """All events of the store, prepared for filtering; shared read-only by every session.

    `version` (file mtime) invalidates the cache after an ingest. cache_resource, not
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


@st.cache_data(max_entries=4, show_spinner=False)
def line_distances(db: str, version: float, line_json: str, n_session: str, _events: pd.DataFrame) -> pd.Series:
    from geo.geometry.borders import distance_to_line_km

    km = distance_to_line_km(_events["lat"].to_numpy(dtype=float), _events["lon"].to_numpy(dtype=float),
                             json.loads(line_json))
    return pd.Series(km, index=_events.index, name="line_km").round(1)


@st.cache_resource(max_entries=6, show_spinner=False)
def map_payload(key: str, _shown: pd.DataFrame) -> dict:
    """The map's browser-side data for the shown events (read-only; `key` names what it
    depends on). A folium Map itself is not cached: st_folium's rendering changes it."""
    return atlas_payload(_shown, km_column="pair_km")


def event_map(key: str, shown: pd.DataFrame, pair: tuple[str, str], rings: bool, heat: bool, line: dict | None):
    return localize_map(build_atlas_map(shown, border_geometry(*pair), rings=rings_for(*pair) if rings else None,
                                        line=line, heat=heat, payload=map_payload(key, shown),
                                        base_geojson=offline_land()))


def store_version(db: Path) -> float:
    wal = db.with_name(db.name + "-wal")
    return max(p.stat().st_mtime for p in (db, wal) if p.exists())


def editing_policy():
    from geo.dashboard.access import policy_from_secrets

    return policy_from_secrets(st.secrets)


def can_edit(policy) -> bool:
    """Store edits: signed in (st.login, if [auth] is configured), else the editor password
    from st.secrets; with no secrets only a local run (a laptop) edits, so a deployment
    without secrets is read-only and uploads stay in the visitor's session."""
    if policy.mode == "local":
        from geo.dashboard.access import is_local_server

        return policy.can_edit(local_server=is_local_server(st.get_option("server.address"),
                                                            settings.get("local_editing")))
    if policy.mode == "oidc":
        user = st.user
        return policy.can_edit(logged_in=bool(getattr(user, "is_logged_in", False)),
                               email=getattr(user, "email", None))
    return policy.can_edit(password=st.session_state.get("editor_password"))


def editor_name(policy) -> str:
    """Who a correction is recorded for: the signed-in user, else the kind of editor."""
    if policy.mode == "oidc":
        return getattr(st.user, "email", None) or "signed-in editor"
    return "editor (password)" if policy.mode == "password" else "local user"


def correction_form(db: Path, ev) -> None:
    """Analyst corrections of one stored event; kept across re-extraction (see geo.store)."""
    with st.expander("Correct this event"), st.form(f"correct-{int(ev['event_id'])}"):
        etype = st.selectbox("Type", EVENT_TYPES, index=EVENT_TYPES.index(ev["event_type"]),
                             format_func=type_label, key="fix_type")
        place = st.text_input("Place", value=str(ev["place"] or ""), key="fix_place")
        c1, c2 = st.columns(2)
        lat = c1.number_input("Latitude", -90.0, 90.0, float(ev["lat"]), format="%.5f", key="fix_lat")
        lon = c2.number_input("Longitude", -180.0, 180.0, float(ev["lon"]), format="%.5f", key="fix_lon")
        states = {"unknown": None, "verified": True, "not verified": False}
        current = next(k for k, v in states.items() if v is (None if pd.isna(ev["verified"]) else bool(ev["verified"])))
        verified = st.radio("Verification", list(states), index=list(states).index(current), horizontal=True,
                            key="fix_verified")
        notes = st.text_area("Notes", value="" if pd.isna(ev["notes"]) else str(ev["notes"]), key="fix_notes")
        if st.form_submit_button("Save correction"):
            wanted = {"event_type": etype, "place": place.strip() or None, "lat": round(lat, 5),
                      "lon": round(lon, 5), "verified": states[verified], "notes": notes.strip() or None}
            old = {"event_type": ev["event_type"], "place": ev["place"], "lat": round(float(ev["lat"]), 5),
                   "lon": round(float(ev["lon"]), 5), "verified": states[current],
                   "notes": None if pd.isna(ev["notes"]) else ev["notes"]}
            changed = {k: v for k, v in wanted.items() if v != old[k]}
            with EventStore(db) as store:
                for name, value in changed.items():
                    store.add_correction(ev["event_key"], name, value, editor_name(editing_policy()))
            st.toast(f"Saved {len(changed)} correction(s)" if changed else "Nothing changed")
            if changed:
                st.rerun()


def toggle_play() -> None:
    st.session_state["playing"] = not st.session_state.get("playing", False)
    st.session_state["play_day"] = None  # (re)start at the first day


# --------------------------------------------------------------------------- state

static_assets(str(APP_DIR / "static"))
db = settings.db_path()
if not db.exists():
    build_store(db, settings.get("articles"))
version = store_version(db)
stored = load_events(str(db), version)
session_events = st.session_state.get("session_events")
events = stored if session_events is None else pd.concat([stored, session_events], ignore_index=True)
# Names this session's extra events for the caches below ("" = the store's events only).
n_session = "" if session_events is None else st.session_state.get("session_token", "")

days = events["day"].dropna()
lo = days.min().date() if len(days) else date.today()
hi = days.max().date() if len(days) else date.today()
if lo == hi:
    hi = lo + timedelta(days=1)

if "url_loaded" not in st.session_state:  # first run of this session: widgets from the URL
    q = ViewState.from_query(st.query_params.to_dict())
    start = min(max(q.start or lo, lo), hi)
    end = min(max(q.end or hi, start), hi)
    st.session_state.update(
        date_range=(start, end), types=list(q.types), countries=list(q.countries),
        pair="-".join(q.pair), side=q.side, max_km=q.max_km, line_max_km=q.line_max_km,
        claimed_by=list(q.claimed_by),
        verified=q.verified, q=q.q, heat=q.heat, rings=q.rings, selected=q.event,
        url_loaded=True, playing=False,
    )
if "_next_range" in st.session_state:  # playback moved the window (set before the slider exists)
    st.session_state["date_range"] = st.session_state.pop("_next_range")
previous = st.session_state.get("_bounds")
if previous != (lo, hi):  # new events moved the slider's bounds: keep "everything" meaning everything
    start, end = st.session_state["date_range"]
    if previous is not None and (start, end) == previous:
        start, end = lo, hi
    start = min(max(start, lo), hi)
    st.session_state["date_range"] = (start, min(max(end, start), hi))
    st.session_state["_bounds"] = (lo, hi)

st.title("Event Atlas")
metrics = st.container()

# --------------------------------------------------------------------------- sidebar filters

pairs = pair_options()
with st.sidebar:
    st.header("Filters")
    choices = filter_choices(str(db), version, n_session, events)
    present = choices["types"]
    st.session_state["types"] = [t for t in st.session_state.get("types", []) if t in present]
    st.multiselect("Event types", present, key="types", format_func=type_label, placeholder="All types")
    countries = choices["countries"]
    st.session_state["countries"] = [c for c in st.session_state.get("countries", []) if c in countries]
    st.multiselect("Country of the place", countries, key="countries", placeholder="All countries")
    if st.session_state.get("pair") not in pairs:
        st.session_state["pair"] = DEFAULT_PAIR_KEY
    st.selectbox("Border", list(pairs), key="pair", format_func=pairs.get)
    pair = tuple(st.session_state["pair"].split("-"))
    names = pairs[st.session_state["pair"]].split(" – ")
    side_labels = {"any": "Either side", "a": f"In {names[0]}", "b": f"In {names[1]}", "other": "Elsewhere"}
    st.radio("Side of the border", list(side_labels), key="side", format_func=side_labels.get, horizontal=True)
    st.selectbox("Distance to the border", DISTANCE_BANDS, key="max_km",
                 format_func=lambda km: "Any distance" if km == 0 else f"Within {km} km")
    claims = choices["claims"]
    st.session_state["claimed_by"] = [c for c in st.session_state.get("claimed_by", []) if c in claims]
    st.multiselect("Claimed by", claims, key="claimed_by", placeholder="Anyone")
    st.radio("Verification", views.VERIFIED, key="verified", horizontal=True, format_func=str.capitalize)
    st.text_input("Search the evidence, places, titles", key="q", placeholder="e.g. drone, Belgorod")
    st.header("Map")
    st.toggle("Heatmap", key="heat")
    st.toggle("Rings at 25 / 50 / 100 km", key="rings")
    line_file = st.file_uploader("Reference line (GeoJSON, e.g. a front line)", type=["geojson", "json"],
                                 key="line_file")

line_geojson = None
line_json = None  # canonical text of the uploaded line: a cache key part wherever it matters
line_km = None  # distance of every event to the uploaded line
if line_file is not None:
    try:
        line_geojson = json.loads(line_file.getvalue().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        st.sidebar.error(f"Not a GeoJSON file: {exc}")
if line_geojson is not None:
    line_json = json.dumps(line_geojson, sort_keys=True)
    try:
        line_km = line_distances(str(db), version, line_json, n_session, events).to_numpy()
    except Exception as exc:
        st.sidebar.error(f"Cannot use that line: {exc}")
        line_geojson = line_json = None
if line_geojson is not None:  # the band only makes sense with a line (a URL's "lkm" waits for one)
    st.sidebar.selectbox("Distance to the reference line", DISTANCE_BANDS, key="line_max_km",
                         format_func=lambda km: "Any distance" if km == 0 else f"Within {km} km")

# --------------------------------------------------------------------------- time

time_col, chart_col = st.columns([2, 3])
with time_col:
    st.slider("Date range", min_value=lo, max_value=hi, key="date_range", format="YYYY-MM-DD")
    p1, p2, p3, p4 = st.columns([1.4, 2, 2, 1.2], vertical_alignment="bottom")
    playing = st.session_state.get("playing", False)
    p1.button("⏸ Pause" if playing else "▶ Play", key="play_button", on_click=toggle_play,
              help="Step through the days: the map, counts and table follow the window")
    p2.selectbox("Speed", list(SPEEDS), index=1, key="speed")
    p3.selectbox("Window", views.WINDOW_MODES, key="window_mode", format_func=str.capitalize)
    p4.number_input("Days", min_value=1, max_value=365, value=7, key="window_days")

state = ViewState(
    start=st.session_state["date_range"][0], end=st.session_state["date_range"][1],
    types=tuple(st.session_state["types"]), countries=tuple(st.session_state["countries"]),
    pair=pair, side=st.session_state["side"], max_km=int(st.session_state["max_km"]),
    line_max_km=int(st.session_state.get("line_max_km") or 0),
    claimed_by=tuple(st.session_state["claimed_by"]), verified=st.session_state["verified"],
    q=st.session_state["q"].strip(), event=st.session_state.get("selected"),
    heat=st.session_state["heat"], rings=st.session_state["rings"],
)
full_range = state.start == lo and state.end == hi
url_state = state.replace(start=None if full_range else state.start, end=None if full_range else state.end)
if st.query_params.to_dict() != url_state.to_query():
    st.query_params.from_dict(url_state.to_query())

if playing:
    @st.fragment(run_every=SPEEDS[st.session_state["speed"]])
    def _player() -> None:
        """Each tick moves the window one day on and reruns the page; stops after the last day."""
        if st.session_state.get("_tick_armed"):
            day = views.next_play_day(lo, hi, st.session_state.get("play_day"))
            st.session_state["play_day"] = day
            st.session_state["_next_range"] = views.playback_window(
                lo, hi, day, st.session_state["window_mode"], int(st.session_state["window_days"]))
            if day >= hi:
                st.session_state["playing"] = False
            st.rerun()
        st.session_state["_tick_armed"] = True

    st.session_state["_tick_armed"] = False
    with time_col:
        _player()

# --------------------------------------------------------------------------- filtering

try:
    paired = pair_frame(str(db), version, pair, n_session, events)
    events = events.assign(pair_km=paired["pair_km"].to_numpy(), pair_side=paired["pair_side"].to_numpy())
except Exception as exc:  # geometry unavailable: keep the stored distances
    st.warning(f"Distances to the {pairs[st.session_state['pair']]} border are unavailable: {exc}")
    events = events.assign(pair_km=events["border_distance_km"], pair_side="other")
if line_km is not None:
    events = events.assign(line_km=line_km)

undated = views.filter_events(events, state, ignore_dates=True)
shown = views.filter_events(undated, state)

with metrics:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Events shown", len(shown))
    c2.metric("Articles", shown["article_id"].nunique())
    c3.metric("Places", shown["place"].nunique())
    c4.metric("Claimed, not verified", int((shown["verified"] == False).sum()))  # noqa: E712 (nullable)

with chart_col:
    daily = views.daily_counts(undated)
    if len(daily):
        present_types = [t for t in EVENT_TYPES if t in set(daily["event_type"])]
        daily["type"] = daily["event_type"].map(type_label)
        bars = alt.Chart(daily).mark_bar().encode(
            x=alt.X("day:T", title=None),
            y=alt.Y("sum(events):Q", title="events per day"),
            color=alt.Color("type:N", title=None, legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=[type_label(t) for t in present_types],
                                            range=[TYPE_COLOURS[t] for t in present_types])),
            tooltip=[alt.Tooltip("day:T"), "type:N", "events:Q"],
        )
        window = alt.Chart(pd.DataFrame({"start": [pd.Timestamp(state.start)], "end": [pd.Timestamp(state.end)]})
                           ).mark_rect(opacity=0.12, color="#333").encode(x="start:T", x2="end:T")
        st.altair_chart(window + bars, height=170, width="stretch")

# --------------------------------------------------------------------------- map + selection

# Everything `shown` depends on: the line too, since the line-distance band filters by it.
map_key = repr((str(db), version, n_session, line_json, state.replace(event=None, heat=False, rings=False)))
fmap = event_map(map_key, shown, pair, state.rings, state.heat, line_geojson)
map_col, card_col = st.columns([3, 2])
with map_col:
    # Only the clicked popup comes back: pan/zoom never reruns the script.
    clicked = st_folium(fmap, height=560, use_container_width=True,
                        returned_objects=["last_object_clicked_popup"], key="event_map")
popup = (clicked or {}).get("last_object_clicked_popup")
if popup and popup != st.session_state.get("_last_popup"):
    st.session_state["_last_popup"] = popup
    if (m := re.search(r"Event #(\d+)\s*$", popup.strip())) is not None:
        st.session_state["selected"] = int(m.group(1))
        st.query_params["event"] = m.group(1)

st.subheader("Events")
table = views.table_rows(shown, st.session_state.get("selected"), TABLE_LIMIT)
columns = ["date", "event_type", "sub_type", "place", "precision", "country_code", "pair_km"]
columns += ["line_km"] if "line_km" in table else []
columns += ["claimed_by", "verified", "evidence", "title", "url", "event_id"]
selected = st.session_state.get("selected")
on_top = selected is not None and len(table) and table["event_id"].iloc[0] == selected
# A new key per selected event: the table re-renders with that event's row (on top) selected.
selection = st.dataframe(
    table[columns], hide_index=True, width="stretch", key=f"table-{selected}", on_select="rerun",
    selection_mode="single-row", selection_default={"selection": {"rows": [0]}} if on_top else None,
    column_config={
        "date": st.column_config.TextColumn("Date"),
        "event_type": st.column_config.TextColumn("Type"),
        "pair_km": st.column_config.NumberColumn("Border km", format="%.1f"),
        "line_km": st.column_config.NumberColumn("Line km", format="%.1f"),
        "evidence": st.column_config.TextColumn("Evidence sentence", width="large"),
        "url": st.column_config.LinkColumn("Link", display_text="open"),
        "event_id": st.column_config.NumberColumn("Id", format="%d"),
    },
)
if len(shown) > TABLE_LIMIT:
    st.caption(f"Newest {TABLE_LIMIT} of {len(shown)} events; the downloads have them all.")
rows = (selection.get("selection") or {}).get("rows") if selection else None
if rows and int(table.iloc[rows[0]]["event_id"]) != selected:  # a row picked in the table
    st.session_state["selected"] = int(table.iloc[rows[0]]["event_id"])
    st.rerun()

with card_col:
    selected = st.session_state.get("selected")
    match = events[events["event_id"] == selected] if selected is not None else events.iloc[0:0]
    if match.empty:
        st.info("Click an event on the map or a row in the table to read its article here.")
    else:
        ev = match.iloc[0]
        article = None
        if str(ev["article_id"]) in st.session_state.get("session_articles", {}):
            article = st.session_state["session_articles"][str(ev["article_id"])]
        else:
            with EventStore(db) as store:
                article = store.article(str(ev["article_id"]))
        st.markdown(f"**{html.escape(type_label(ev['event_type']))}** · event #{int(ev['event_id'])}")
        st.html(views.event_card_html(ev, article, km_column="pair_km"))
        if (isinstance(ev.get("event_key"), str) and not views.is_session_event(ev["event_id"])
                and not pd.isna(ev["lat"]) and can_edit(editing_policy())):
            correction_form(db, ev)

# --------------------------------------------------------------------------- share + export

st.subheader("Share and download")
base = (st.context.url or "").split("?")[0]
share = base + ("?" + urlencode(url_state.to_query()) if url_state.to_query() else "")
st.code(share or "?" + urlencode(url_state.to_query()), language=None)
st.caption("Copy link to this view (copy button on the right): it reopens these filters, dates and selection.")
d1, d2, d3 = st.columns(3)
d1.download_button("CSV", lambda: to_csv(shown), file_name="events.csv", mime="text/csv", on_click="ignore")
d2.download_button("GeoJSON", lambda: to_geojson(shown), file_name="events.geojson",
                   mime="application/geo+json", on_click="ignore")
d3.download_button("KML (Google Earth)", lambda: to_kml(shown), file_name="events.kml",
                   mime="application/vnd.google-earth.kml+xml", on_click="ignore")

# --------------------------------------------------------------------------- add articles

with st.expander("Add articles"):
    policy = editing_policy()
    editing = can_edit(policy)
    if policy.mode == "oidc" and not editing:
        st.button("Sign in to add to the shared store", on_click=st.login)
    elif policy.mode == "password" and not editing:
        st.text_input("Editor password", type="password", key="editor_password")
    st.caption("Saved to the shared event store." if editing else
               "Read-only deployment: new events stay in your session.")
    pasted = st.text_area("Paste an article", key="paste_text")
    pasted_date = st.date_input("Published", value=date.today(), key="paste_date")
    uploads = st.file_uploader("…or upload files", type=["txt", "html", "htm", "jsonl"], accept_multiple_files=True)
    if st.button("Extract events", disabled=not (pasted.strip() or uploads)):
        from geo.pipeline import extract_events, ingest_articles

        with tempfile.TemporaryDirectory() as tmp:
            if pasted.strip():
                stamp = f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
                (Path(tmp) / f"{stamp}.txt").write_text(pasted, encoding="utf-8")
                (Path(tmp) / f"{stamp}.meta.json").write_text(
                    json.dumps({"id": stamp, "published": pasted_date.isoformat(), "title": pasted.strip()[:80]}))
            for f in uploads or []:
                (Path(tmp) / Path(f.name).name).write_bytes(f.getvalue())
            loaded = load_articles([tmp])
        for problem in loaded.problems:
            st.warning(problem)
        bar = st.progress(0.0, text="Extracting…")
        if editing:
            def progress(done: int, total: int) -> None:
                bar.progress(done / max(total, 1), text=f"{done} of {total} articles")

            with EventStore(db) as store:
                summary = ingest_articles(store, loaded.articles, progress=progress)
            st.success(f"{summary.articles} new articles, {summary.events} events added to the store.")
        else:
            done_articles = {}

            def collect(article, evs) -> None:
                done_articles[article.id] = article
                bar.progress(len(done_articles) / max(len(loaded.articles), 1),
                             text=f"{len(done_articles)} of {len(loaded.articles)} articles")

            new = extract_events(loaded.articles, on_article=collect)
            frame = views.session_events_frame(new, done_articles, stored, session_events)
            st.session_state["session_events"] = frame
            st.session_state["session_token"] = uuid.uuid4().hex
            st.session_state.setdefault("session_articles", {}).update(done_articles)
            st.success(f"{len(new)} events from {len(done_articles)} articles added to your session.")
        st.rerun()
