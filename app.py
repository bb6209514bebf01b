"""Event Atlas: the Streamlit page, top to bottom as it appears on screen.

Each region of the page is one module under `ui/` that owns its widgets (keys in `ui/keys.py`),
labels and behaviour; the work happens in the `geo` library. The whole view state lives in the
URL: `ui/session.py` seeds the widgets from it on a session's first run and writes it back on
every run (geo.dashboard.views.ViewState <-> st.query_params).
"""
from __future__ import annotations

import streamlit as st

from ui import add_articles, data, event_card, events_table, header, map_panel, session, share, sidebar, timeline

st.set_page_config(page_title="Event Atlas", page_icon="🗺️", layout="wide")

page = data.bootstrap()  # map assets, the store (built on first start), this session's events
session.seed_from_url(page)  # first run of a session: the widgets from the URL
counts = header.render()  # title; the counts are filled in once the events are filtered

with st.sidebar:
    line = sidebar.render(page)  # filters, map toggles, reference line

top = st.container()  # share and downloads, filled once the events are filtered
map_col, card_col = st.columns([3, 1.25])  # the map is the page; the selected event beside it
time_col, chart_col = st.columns([2, 3])
with time_col:
    timeline.controls(page)  # date slider, step back, Play, step forward, step size, speed, window
view = session.view_state(page)  # widgets -> ViewState -> URL
with time_col:
    timeline.player(page)  # playback ticks, while playing

shown = data.filtered(page, view, line)  # border-pair and line distances, then the filters
header.metrics(counts, shown.events)
with top:
    share.render(page, view, shown.events)  # link to this view (with the map's centre and zoom), downloads
with chart_col:
    timeline.chart(shown.undated, view)
with map_col:
    map_panel.render(page, shown.undated, view, line)  # applies the date window in place; a click selects
with card_col:
    event_card.render(page, shown.all)  # the selected event, its article, corrections
events_table.render(shown.events)  # a row selects an event: centred and highlighted on the map

add_articles.render(page)  # paste or upload, extract
