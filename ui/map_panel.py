"""The map: the shown events (clustered, per-type layers), the border, rings, the reference line,
and a click on a popup selecting its event."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.dashboard import ViewState
from geo.dashboard.map import build_atlas_map, localize_map

from . import keys
from .data import Line, Page, border_geometry, map_payload, offline_land, rings_for
from .session import select_event

# The last line of a popup (mapping's card) names its event: "Event #12".
_POPUP_EVENT = re.compile(r"Event #(\d+)\s*$")


def event_map(key: str, shown: pd.DataFrame, view: ViewState, line: dict | None):
    pair = view.pair
    return localize_map(build_atlas_map(shown, border_geometry(*pair), rings=rings_for(*pair) if view.rings else None,
                                        line=line, heat=view.heat, payload=map_payload(key, shown),
                                        base_geojson=offline_land()))


def render(page: Page, shown: pd.DataFrame, view: ViewState, line: Line) -> None:
    # Everything `shown` depends on: the line too, since the line-distance band filters by it.
    map_key = repr((str(page.db), page.version, page.n_session, line.json,
                    view.replace(event=None, heat=False, rings=False)))
    fmap = event_map(map_key, shown, view, line.geojson)
    # Only the clicked popup comes back: pan/zoom never reruns the script.
    clicked = st_folium(fmap, height=560, use_container_width=True,
                        returned_objects=["last_object_clicked_popup"], key=keys.EVENT_MAP)
    popup = (clicked or {}).get("last_object_clicked_popup")
    if popup and popup != st.session_state.get(keys.LAST_POPUP):
        st.session_state[keys.LAST_POPUP] = popup
        if (m := _POPUP_EVENT.search(popup.strip())) is not None:
            select_event(int(m.group(1)))
