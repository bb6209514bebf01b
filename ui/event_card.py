"""The selected event's card: type, place, claim, the article with the evidence marked, and
(for editors) the correction form."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.dashboard import event_card_html, type_label, views
from geo.model import EVENT_TYPES
from geo.store import EventStore

from . import keys
from .data import Page
from .editing import can_edit, editing_policy, editor_name

_VERIFICATION = {"unknown": None, "verified": True, "not verified": False}


def correction_form(db: Path, ev) -> None:
    """Analyst corrections of one stored event; kept across re-extraction (see geo.store)."""
    with st.expander("Correct this event"), st.form(keys.correction_form(int(ev["event_id"]))):
        etype = st.selectbox("Type", EVENT_TYPES, index=EVENT_TYPES.index(ev["event_type"]),
                             format_func=type_label, key=keys.FIX_TYPE)
        place = st.text_input("Place", value=str(ev["place"] or ""), key=keys.FIX_PLACE)
        c1, c2 = st.columns(2)
        lat = c1.number_input("Latitude", -90.0, 90.0, float(ev["lat"]), format="%.5f", key=keys.FIX_LAT)
        lon = c2.number_input("Longitude", -180.0, 180.0, float(ev["lon"]), format="%.5f", key=keys.FIX_LON)
        states = _VERIFICATION
        current = next(k for k, v in states.items() if v is (None if pd.isna(ev["verified"]) else bool(ev["verified"])))
        verified = st.radio("Verification", list(states), index=list(states).index(current), horizontal=True,
                            key=keys.FIX_VERIFIED)
        notes = st.text_area("Notes", value="" if pd.isna(ev["notes"]) else str(ev["notes"]), key=keys.FIX_NOTES)
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


def render(page: Page, events: pd.DataFrame) -> None:
    selected = st.session_state.get(keys.SELECTED)
    match = events[events["event_id"] == selected] if selected is not None else events.iloc[0:0]
    if match.empty:
        st.info("Click an event on the map or a row in the table to read its article here.")
        return
    ev = match.iloc[0]
    session_articles = st.session_state.get(keys.SESSION_ARTICLES, {})
    if str(ev["article_id"]) in session_articles:
        article = session_articles[str(ev["article_id"])]
    else:
        with EventStore(page.db) as store:
            article = store.article(str(ev["article_id"]))
    st.markdown(f"**{html.escape(type_label(ev['event_type']))}** · event #{int(ev['event_id'])}")
    st.html(event_card_html(ev, article, km_column="pair_km"))
    if (isinstance(ev.get("event_key"), str) and not views.is_session_event(ev["event_id"])
            and not pd.isna(ev["lat"]) and can_edit(editing_policy())):
        correction_form(page.db, ev)
