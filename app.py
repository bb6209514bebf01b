"""Event Atlas: the Streamlit page (layout and widgets only; the work happens in `geo/`)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.articles import load_articles
from geo.assets import install_static_assets, localize_map
from geo.mapping import TYPE_COLOURS, build_event_map, type_label
from geo.model import EVENT_TYPES
from geo.store import EventStore

APP_DIR = Path(__file__).resolve().parent
st.set_page_config(page_title="Event Atlas", page_icon="🗺️", layout="wide")


@st.cache_resource
def static_assets(static_dir: str) -> str:
    """Copy Leaflet & co. from the XStatic packages to static/ once per server."""
    return str(install_static_assets(static_dir))


@st.cache_resource
def border_geometry(a: str, b: str) -> dict:
    from geo.borders import border_geojson

    return border_geojson(a, b)


def build_store(db: Path, articles_dir: str) -> None:
    """First start: extract the bundled articles into a new store, showing progress."""
    from geo.pipeline import ingest_articles

    with st.status("Building the event store from the bundled articles…", expanded=True) as status:
        loaded = load_articles([articles_dir])
        for problem in loaded.problems:
            st.warning(problem)
        bar = st.progress(0.0, text=f"0 of {len(loaded.articles)} articles")

        def progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"{done} of {total} articles")

        with EventStore(db) as store:
            summary = ingest_articles(store, loaded.articles, progress=progress)
        status.update(label=f"Event store ready: {summary.articles_new} articles, {summary.events} events",
                      state="complete", expanded=False)


@st.cache_data(show_spinner=False)
def load_events(db: str, version: float) -> pd.DataFrame:
    """All events of the store; `version` (file mtime) invalidates the cache after an ingest."""
    with EventStore(db) as store:
        df = store.events_frame()
    df["day"] = pd.to_datetime(df["date"], errors="coerce").dt.date
    return df


def store_version(db: Path) -> float:
    wal = db.with_name(db.name + "-wal")
    return max(p.stat().st_mtime for p in (db, wal) if p.exists())


static_assets(str(APP_DIR / "static"))
db = settings.db_path()
if not db.exists():
    build_store(db, settings.get("articles"))

events = load_events(str(db), store_version(db))
st.title("Event Atlas")

with st.sidebar:
    st.header("Filters")
    days = events["day"].dropna()
    if len(days):
        lo, hi = min(days), max(days)
        if lo == hi:
            hi = date.fromordinal(lo.toordinal() + 1)
        date_range = st.slider("Date range", min_value=lo, max_value=hi, value=(lo, hi), format="YYYY-MM-DD")
    else:
        date_range = None
    present = [t for t in EVENT_TYPES if t in set(events["event_type"])]
    chosen = st.multiselect("Event types", present, default=present, format_func=type_label)
    # Our own labels and colours only (no article text), so HTML is safe here.
    st.markdown("<br>".join(f"<span style='color:{TYPE_COLOURS[t]}'>●</span> {type_label(t)}" for t in present),
                unsafe_allow_html=True)

shown = events[events["event_type"].isin(chosen)]
if date_range is not None:
    shown = shown[shown["day"].notna() & (shown["day"] >= date_range[0]) & (shown["day"] <= date_range[1])]

c1, c2, c3 = st.columns(3)
c1.metric("Events shown", len(shown))
c2.metric("Articles", events["article_id"].nunique())
c3.metric("Claimed, not verified", int((shown["verified"] == False).sum()))  # noqa: E712 (nullable)

fmap = localize_map(build_event_map(shown, border_geometry("UA", "RU")))
# returned_objects=[]: panning or zooming the map must not rerun the script.
st_folium(fmap, height=560, use_container_width=True, returned_objects=[], key="event_map")

st.subheader("Events")
st.dataframe(
    shown[["date", "event_type", "sub_type", "place", "precision", "country_code", "border_distance_km",
           "claimed_by", "verified", "evidence", "title", "article_id"]],
    hide_index=True,
    width="stretch",
    column_config={
        "border_distance_km": st.column_config.NumberColumn("Border km", format="%.1f"),
        "evidence": st.column_config.TextColumn("Evidence sentence", width="large"),
    },
)
