"""The map: the shown events (clustered, per-type layers), the border, rings, the reference line,
the offline base map, and a click on a popup selecting its event.

The map itself is built from the events of every filter but the date range, so it is rebuilt
(and re-fitted) only when those filters change. The date window, the playback trail and the
selected event reach the drawn map as a view command (geo.dashboard.map.view_command, sent as
st_folium's feature group), which changes it in place: playback never blanks or re-fits the
map, and a row picked in the table is centred and highlighted without reloading it.
"""
from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.dashboard import ViewState
from geo.dashboard.map import build_atlas_map, localize_map, view_command

from . import keys
from .data import Line, Page, border_geometry, map_payload, offline_land, rings_for
from .session import select_event
from .timeline import trail_days

# The last line of a popup (mapping's card) names its event: "Event #12".
_POPUP_EVENT = re.compile(r"Event #(\d+)\s*$")
MAP_HEIGHT = 500  # px: all of it above the fold at 1400x950 (its top is ~400 px down), the largest element
_EPOCH = date(1970, 1, 1)


def event_map(key: str, undated: pd.DataFrame, view: ViewState, line: dict | None,
              viewport: tuple[float, float, int] | None = None):
    pair = view.pair
    return localize_map(build_atlas_map(undated, border_geometry(*pair), rings=rings_for(*pair) if view.rings else None,
                                        line=line, heat=view.heat, payload=map_payload(key, undated),
                                        base_geojson=offline_land(), viewport=viewport))


def command(view: ViewState):
    """The view command for the drawn map: date window, playback trail, selected event."""
    def day(d: date | None) -> int | None:
        return None if d is None else (d - _EPOCH).days

    return view_command(day(view.start), day(view.end), trail_days(), st.session_state.get(keys.SELECTED))


def render(page: Page, undated: pd.DataFrame, view: ViewState, line: Line) -> None:
    """`undated`: the events of every filter but the date range (the map applies the window)."""
    # Everything `undated` depends on: the line too, since the line-distance band filters by it.
    filters = repr((line.json, view.replace(start=None, end=None, event=None, heat=False, rings=False, viewport=None)))
    map_key = repr((str(page.db), page.version, page.n_session, filters))
    # The URL's centre and zoom open the map until the filters change; then maps fit their events.
    first_filters, seed = st.session_state.setdefault(keys.MAP_SEED, (filters, view.viewport))
    fmap = event_map(map_key, undated, view, line.geojson, seed if first_filters == filters else None)
    # Only the clicked popup comes back: pan/zoom never reruns the script.
    clicked = st_folium(fmap, height=MAP_HEIGHT, use_container_width=True, feature_group_to_add=command(view),
                        returned_objects=["last_object_clicked_popup"], key=keys.EVENT_MAP)
    popup = (clicked or {}).get("last_object_clicked_popup")
    if popup and popup != st.session_state.get(keys.LAST_POPUP):
        st.session_state[keys.LAST_POPUP] = popup
        if (m := _POPUP_EVENT.search(popup.strip())) is not None:
            select_event(int(m.group(1)))
