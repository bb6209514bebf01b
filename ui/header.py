"""The page title and the counts above everything (filled once the events are filtered)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.dashboard import claimed_not_verified


def render():
    """Title, and the container the counts go into."""
    st.title("Event Atlas")
    return st.container()


def metrics(container, shown: pd.DataFrame) -> None:
    with container:
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Events shown", len(shown))
        c2.metric("Articles", shown["article_id"].nunique())
        c3.metric("Places", shown["place"].nunique())
        c4.metric("Claimed, not verified", claimed_not_verified(shown),
                  help="Events one side claims (a Russian or Ukrainian source) that nobody independently confirmed.")
