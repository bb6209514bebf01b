"""The events table (newest first, the selected event on top) and selecting a row."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.dashboard import views

from . import keys

TABLE_LIMIT = 1000  # rows sent to the table (downloads have every filtered event)
COLUMN_CONFIG = {
    "date": st.column_config.TextColumn("Date"),
    "event_type": st.column_config.TextColumn("Type"),
    "pair_km": st.column_config.NumberColumn("Border km", format="%.1f"),
    "line_km": st.column_config.NumberColumn("Line km", format="%.1f"),
    "evidence": st.column_config.TextColumn("Evidence sentence", width="large"),
    "url": st.column_config.LinkColumn("Link", display_text="open"),
    "event_id": st.column_config.NumberColumn("Id", format="%d"),
}


def render(shown: pd.DataFrame) -> None:
    st.header("Events")
    selected = st.session_state.get(keys.SELECTED)
    table = views.table_rows(shown, selected, TABLE_LIMIT)
    columns = ["date", "event_type", "sub_type", "place", "precision", "country_code", "pair_km"]
    columns += ["line_km"] if "line_km" in table else []
    columns += ["claimed_by", "verified", "evidence", "title", "url", "event_id"]
    on_top = selected is not None and len(table) and table["event_id"].iloc[0] == selected
    # A new key per selected event: the table re-renders with that event's row (on top) selected.
    selection = st.dataframe(
        table[columns], hide_index=True, width="stretch", key=keys.table(selected), on_select="rerun",
        selection_mode="single-row", selection_default={"selection": {"rows": [0]}} if on_top else None,
        column_config=COLUMN_CONFIG,
    )
    if len(shown) > TABLE_LIMIT:
        st.caption(f"Newest {TABLE_LIMIT} of {len(shown)} events; the downloads have them all.")
    rows = (selection.get("selection") or {}).get("rows") if selection else None
    if rows and int(table.iloc[rows[0]]["event_id"]) != selected:  # a row picked in the table
        st.session_state[keys.SELECTED] = int(table.iloc[rows[0]]["event_id"])
        st.rerun()
