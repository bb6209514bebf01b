"""The events table (newest first, the selected event on top) and selecting a row.

Headers are words, empty values are empty cells (never "None"), quantities are text (#17)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.dashboard import quantities_text, type_label, views

from . import keys

TABLE_LIMIT = 1000  # rows sent to the table (downloads have every filtered event)
COLUMN_CONFIG = {
    "date": st.column_config.TextColumn("Date"),
    "event_type": st.column_config.TextColumn("Type"),
    "sub_type": st.column_config.TextColumn("Kind"),
    "place": st.column_config.TextColumn("Place"),
    "precision": st.column_config.TextColumn("Place known as", help="place, region or country"),
    "country_code": st.column_config.TextColumn("Country"),
    "pair_km": st.column_config.NumberColumn("Border km", format="%.1f"),
    "line_km": st.column_config.NumberColumn("Line km", format="%.1f"),
    "claimant": st.column_config.TextColumn("Claimed by"),
    "verified": st.column_config.TextColumn("Verified"),
    "quantities": st.column_config.TextColumn("Quantities"),
    "confidence": st.column_config.NumberColumn("Confidence", format="%.2f",
                                                help="The extractor's confidence (empty for imported rows)"),
    "less_certain": st.column_config.TextColumn("Less certain", help="Below the confidence threshold"),
    "evidence": st.column_config.TextColumn("Evidence sentence", width="large"),
    "title": st.column_config.TextColumn("Article"),
    "url": st.column_config.LinkColumn("Link", display_text="open"),
    "event_id": st.column_config.NumberColumn("Id", format="%d"),
}
_VERIFIED_TEXT = {True: "yes", False: "no"}


def _readable(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The table's cells: words for types, verification and flags; "" for missing text."""
    out = rows.reindex(columns=columns).copy()
    out["event_type"] = out["event_type"].map(type_label)
    out["verified"] = [_VERIFIED_TEXT.get(None if pd.isna(v) else bool(v), "") for v in out["verified"]]
    out["quantities"] = out["quantities"].map(quantities_text)
    if "less_certain" in out:
        out["less_certain"] = out["less_certain"].map(lambda v: "less certain" if v is True or v == 1 else "")
    text = [c for c in columns if c not in ("pair_km", "line_km", "confidence", "event_id")]
    out[text] = out[text].astype(object).where(out[text].notna(), "")
    return out


def render(shown: pd.DataFrame) -> None:
    st.header("Events")
    selected = st.session_state.get(keys.SELECTED)
    table = views.table_rows(shown, selected, TABLE_LIMIT)
    columns = ["date", "event_type", "sub_type", "place", "precision", "country_code", "pair_km"]
    columns += ["line_km"] if "line_km" in table else []
    columns += ["claimant", "verified", "quantities", "confidence"]
    columns += ["less_certain"] if "less_certain" in table and table["less_certain"].any() else []
    columns += ["evidence", "title", "url", "event_id"]
    on_top = selected is not None and len(table) and table["event_id"].iloc[0] == selected
    # A new key per selected event: the table re-renders with that event's row (on top) selected; a
    # selected event the filters leave out (or just hidden) gets a table without a stale selected row.
    selection = st.dataframe(
        _readable(table, columns), hide_index=True, width="stretch", key=keys.table(selected if on_top else None),
        on_select="rerun",
        selection_mode="single-row", selection_default={"selection": {"rows": [0]}} if on_top else None,
        column_config=COLUMN_CONFIG,
    )
    if len(shown) > TABLE_LIMIT:
        st.caption(f"Newest {TABLE_LIMIT} of {len(shown)} events; the downloads have them all.")
    rows = (selection.get("selection") or {}).get("rows") if selection else None
    if rows and int(table.iloc[rows[0]]["event_id"]) != selected:  # a row picked in the table
        st.session_state[keys.SELECTED] = int(table.iloc[rows[0]]["event_id"])
        st.rerun()
