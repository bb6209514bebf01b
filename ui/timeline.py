"""Time: the date-range slider, playback (step back, Play/Pause, step forward, step size, speed,
window) and the daily chart.

Playback: the Play button toggles `keys.PLAYING`; while playing, `player` runs a fragment every
`SPEEDS[speed]` seconds. Its first run after a full rerun only arms it; each later tick moves
the play day on by the step (a day or a week), stores the next window in `keys.NEXT_RANGE`
(applied by `ui.session` before the slider exists) and reruns the page. It stops after the last
day. The step buttons move the window one step back or forward at a time. The map keeps its
viewport and draws each step in place, with the previous steps fading out behind it (a trail
of TRAIL_STEPS steps, see ui.map_panel).
"""
from __future__ import annotations

from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st

from geo.dashboard import TYPE_COLOURS, WINDOW_MODES, ViewState, type_label, views
from geo.model import EVENT_TYPES

from . import keys
from .data import Page

SPEEDS = {"slow (2 s)": 2.0, "normal (1 s)": 1.0, "fast (0.5 s)": 0.5}
STEPS = {"day": 1, "week": 7}  # playback step size, days
TRAIL_STEPS = 3  # earlier steps still drawn, fading, while playing or stepping


def toggle_play() -> None:
    st.session_state[keys.PLAYING] = not st.session_state.get(keys.PLAYING, False)
    st.session_state[keys.PLAY_DAY] = None  # (re)start at the first day


def _step_days() -> int:
    return STEPS.get(st.session_state.get(keys.STEP, "day"), 1)


def step(page: Page, direction: int) -> None:
    """Move the window one step back (-1) or forward (+1), from the current window's end."""
    state = st.session_state
    state[keys.PLAYING] = False
    current = state.get(keys.PLAY_DAY) or state[keys.DATE_RANGE][1]
    day = min(max(current + timedelta(days=direction * _step_days()), page.lo), page.hi)
    state[keys.PLAY_DAY] = day
    state[keys.DATE_RANGE] = views.playback_window(page.lo, page.hi, day, state[keys.WINDOW_MODE],
                                                   int(state[keys.WINDOW_DAYS]))


def trail_days() -> int:
    """Days before the window the map draws faded: the last TRAIL_STEPS steps, during playback."""
    state = st.session_state
    if state.get(keys.PLAY_DAY) is None or state.get(keys.WINDOW_MODE) == "cumulative":
        return 0
    return TRAIL_STEPS * _step_days()


def controls(page: Page) -> None:
    st.slider("Date range", min_value=page.lo, max_value=page.hi, key=keys.DATE_RANGE, format="YYYY-MM-DD")
    p0, p1, p2, p3 = st.columns([1.2, 1.2, 1.2, 1.1], vertical_alignment="bottom")
    playing = st.session_state.get(keys.PLAYING, False)
    p0.button("‹ Back", key=keys.STEP_BACK, on_click=step, args=(page, -1), help="One step back",
              disabled=playing, use_container_width=True)
    p1.button("⏸ Pause" if playing else "▶ Play", key=keys.PLAY_BUTTON, on_click=toggle_play,
              help="Step through the days: the map, counts and table follow the window", use_container_width=True)
    p2.button("Next ›", key=keys.STEP_FORWARD, on_click=step, args=(page, 1), help="One step forward",
              disabled=playing, use_container_width=True)
    p3.selectbox("Step", list(STEPS), key=keys.STEP, format_func=str.capitalize)
    p4, p5, p6 = st.columns([1.6, 1.4, 1], vertical_alignment="bottom")
    p4.selectbox("Speed", list(SPEEDS), index=1, key=keys.SPEED)
    p5.selectbox("Window", WINDOW_MODES, key=keys.WINDOW_MODE, format_func=str.capitalize)
    p6.number_input("Days", min_value=1, max_value=365, value=7, key=keys.WINDOW_DAYS)


def player(page: Page) -> None:
    """While playing: the ticking fragment (see the module docstring)."""
    state = st.session_state
    if not state.get(keys.PLAYING, False):
        return

    @st.fragment(run_every=SPEEDS[state[keys.SPEED]])
    def _player() -> None:
        """Each tick moves the window one step on and reruns the page; stops after the last day."""
        if state.get(keys.TICK_ARMED):
            day = views.next_play_day(page.lo, page.hi, state.get(keys.PLAY_DAY), _step_days())
            state[keys.PLAY_DAY] = day
            state[keys.NEXT_RANGE] = views.playback_window(
                page.lo, page.hi, day, state[keys.WINDOW_MODE], int(state[keys.WINDOW_DAYS]))
            if day >= page.hi:
                state[keys.PLAYING] = False
            st.rerun()
        state[keys.TICK_ARMED] = True

    state[keys.TICK_ARMED] = False
    _player()


def chart(undated: pd.DataFrame, view: ViewState) -> None:
    """Events per day and type over all dates (the filters but the date range), the window shaded."""
    daily = views.daily_counts(undated)
    if not len(daily):
        return
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
    window = alt.Chart(pd.DataFrame({"start": [pd.Timestamp(view.start)], "end": [pd.Timestamp(view.end)]})
                       ).mark_rect(opacity=0.12, color="#333").encode(x="start:T", x2="end:T")
    st.altair_chart(window + bars, height=170, width="stretch")
