"""The selected event's card: type, place, claim, the article with the evidence marked, and
(for editors) the correction form."""
from __future__ import annotations

import html
from datetime import date
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


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value)


def correction_form(db: Path, ev) -> None:
    """Analyst corrections of one stored event; kept across re-extraction (see geo.store). A new
    place or point brings its border distance, side, country and admin1 along (geo.pipeline.correct_event)."""
    from geo.pipeline import correct_event

    with st.expander("Correct this event"), st.form(keys.correction_form(int(ev["event_id"]))):
        etype = st.selectbox("Type", EVENT_TYPES, index=EVENT_TYPES.index(ev["event_type"]),
                             format_func=type_label, key=keys.FIX_TYPE)
        place = st.text_input("Place", value=str(ev["place"] or ""), key=keys.FIX_PLACE)
        c1, c2 = st.columns(2)
        lat = c1.number_input("Latitude", -90.0, 90.0, float(ev["lat"]), format="%.5f", key=keys.FIX_LAT)
        lon = c2.number_input("Longitude", -180.0, 180.0, float(ev["lon"]), format="%.5f", key=keys.FIX_LON)
        day = _text(ev["date"])
        try:
            shown_day = date.fromisoformat(day[:10]) if day else None
        except ValueError:  # not a full date: the editor gives one
            day = shown_day = None
        when = st.date_input("Date", value=shown_day, key=keys.FIX_DATE)
        claimant = st.text_input("Claimed by", value=_text(ev["claimed_by"]) or "", key=keys.FIX_CLAIMED_BY)
        states = _VERIFICATION
        current = next(k for k, v in states.items() if v is (None if pd.isna(ev["verified"]) else bool(ev["verified"])))
        verified = st.radio("Verification", list(states), index=list(states).index(current), horizontal=True,
                            key=keys.FIX_VERIFIED)
        notes = st.text_area("Notes", value=_text(ev["notes"]) or "", key=keys.FIX_NOTES)
        hidden = st.checkbox("Hide this event (kept in the store with its corrections; not shown or exported)",
                             value=bool(ev.get("hidden", False)), key=keys.FIX_HIDDEN)
        if st.form_submit_button("Save correction"):
            wanted = {"event_type": etype, "place": place.strip() or None, "lat": round(lat, 5),
                      "lon": round(lon, 5), "verified": states[verified], "notes": notes.strip() or None,
                      "date": when.isoformat() if when else None, "claimed_by": claimant.strip() or None,
                      "hidden": hidden}
            old = {"event_type": ev["event_type"], "place": ev["place"], "lat": round(float(ev["lat"]), 5),
                   "lon": round(float(ev["lon"]), 5), "verified": states[current], "notes": _text(ev["notes"]),
                   "date": day[:10] if day else None, "claimed_by": _text(ev["claimed_by"]),
                   "hidden": bool(ev.get("hidden", False))}
            changed = {k: v for k, v in wanted.items() if v != old[k]}
            with EventStore(db) as store:
                correct_event(store, ev["event_key"], changed, editor_name(editing_policy()))
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
    if bool(ev.get("hidden", False)):
        st.warning("Hidden by an editor: not on the map, in the table or in exports (kept in the store).")
    if bool(ev.get("less_certain", False)):
        st.markdown(f"Less certain: the extractor's confidence {float(ev['confidence']):.2f} is below the threshold.")
    st.html(event_card_html(ev, article, km_column="pair_km"))
    if (isinstance(ev.get("event_key"), str) and not views.is_session_event(ev["event_id"])
            and not pd.isna(ev["lat"]) and can_edit(editing_policy())):
        correction_form(page.db, ev)
