"""URL <-> st.session_state <-> ViewState: the only module that maps between them.

`seed_from_url` initialises the filter widgets from the URL on a session's first run (and keeps
the date range inside the slider's bounds); `view_state` reads the widgets back into a
`ViewState` and writes it to the URL on every run, so a copied link reproduces the view.
"""
from __future__ import annotations

import streamlit as st

from geo.dashboard import FIELD, ViewState

from . import keys
from .data import Page


def seed_from_url(page: Page) -> None:
    lo, hi = page.lo, page.hi
    state = st.session_state
    if keys.URL_LOADED not in state:  # first run of this session: widgets from the URL
        q = ViewState.from_query(st.query_params.to_dict())
        start = min(max(q.start or lo, lo), hi)
        end = min(max(q.end or hi, start), hi)
        state.update({
            keys.DATE_RANGE: (start, end), keys.TYPES: list(q.types), keys.COUNTRIES: list(q.countries),
            keys.PAIR: "-".join(q.pair), keys.SIDE: q.side, keys.MAX_KM: q.max_km,
            keys.LINE_MAX_KM: q.line_max_km, keys.CLAIMED_BY: list(q.claimed_by),
            keys.VERIFIED: q.verified, keys.Q: q.q, keys.HEAT: q.heat, keys.RINGS: q.rings,
            keys.PRECISION: list(q.precision), keys.COARSE_KM: q.coarse_km,
            keys.MIN_CONFIDENCE: q.min_confidence, keys.LESS_CERTAIN: q.less_certain,
            keys.SELECTED: q.event, keys.URL_LOADED: True, keys.PLAYING: False,
        })
    if keys.NEXT_RANGE in state:  # playback moved the window (set before the slider exists)
        state[keys.DATE_RANGE] = state.pop(keys.NEXT_RANGE)
    previous = state.get(keys.BOUNDS)
    if previous != (lo, hi):  # new events moved the slider's bounds: keep "everything" meaning everything
        start, end = state[keys.DATE_RANGE]
        if previous is not None and (start, end) == previous:
            start, end = lo, hi
        start = min(max(start, lo), hi)
        state[keys.DATE_RANGE] = (start, min(max(end, start), hi))
        state[keys.BOUNDS] = (lo, hi)


def view_state(page: Page) -> ViewState:
    """The widgets' values as a ViewState; written to the URL when they changed it."""
    state = st.session_state
    view = ViewState(
        start=state[keys.DATE_RANGE][0], end=state[keys.DATE_RANGE][1],
        types=tuple(state[keys.TYPES]), countries=tuple(state[keys.COUNTRIES]),
        pair=tuple(state[keys.PAIR].split("-")), side=state[keys.SIDE], max_km=int(state[keys.MAX_KM]),
        line_max_km=int(state.get(keys.LINE_MAX_KM) or 0),
        claimed_by=tuple(state[keys.CLAIMED_BY]), verified=state[keys.VERIFIED],
        q=state[keys.Q].strip(), event=state.get(keys.SELECTED),
        precision=tuple(state[keys.PRECISION]), coarse_km=bool(state[keys.COARSE_KM]),
        min_confidence=round(float(state[keys.MIN_CONFIDENCE]), 2), less_certain=bool(state[keys.LESS_CERTAIN]),
        heat=state[keys.HEAT], rings=state[keys.RINGS],
        # The map's centre and zoom: kept in the URL by the map's own script (atlas-layer.js), so
        # panning never reruns the page; read back from there.
        viewport=ViewState.from_query({FIELD["viewport"].url_key: st.query_params.get(FIELD["viewport"].url_key, "")}
                                      ).viewport,
    )
    query = url_state(page, view).to_query()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    return view


def url_state(page: Page, view: ViewState) -> ViewState:
    """What the URL holds: the date range only when it is not everything."""
    full_range = view.start == page.lo and view.end == page.hi
    return view.replace(start=None if full_range else view.start, end=None if full_range else view.end)


def select_event(event_id: int) -> None:
    """Select an event from outside the widgets (a map click): the card shows it, the table puts
    it on top, and the URL names it at once (this run's URL was written before the click was read)."""
    st.session_state[keys.SELECTED] = event_id
    st.query_params[FIELD["event"].url_key] = str(event_id)
