"""The page title, "last updated" (newest stored article, last feed run; #15) and the counts above
everything (filled once the events are filtered)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.dashboard import claimed_not_verified
from geo.store import EventStore

from .data import store_location, store_version


@st.cache_data(max_entries=4, show_spinner=False)
def last_updated(db: str, version) -> dict:
    """geo.feeds.last_updated of the store, once per store version."""
    from geo.feeds import last_updated as read

    with EventStore(db) as store:
        return read(store)


def _when(iso: str | None) -> str:
    return iso[:16].replace("T", " ") + " UTC" if iso else ""


def last_updated_text(info: dict) -> str:
    """'Last updated: newest article stored … (published up to …) · last feed run …: N new articles, M failures'."""
    parts = []
    if info.get("article_added_at"):
        published = f" (published up to {info['newest_published']})" if info.get("newest_published") else ""
        parts.append(f"newest article stored {_when(info['article_added_at'])}{published}")
    else:
        parts.append("no articles stored yet")
    if info.get("feed_run_at"):
        failures = info.get("feed_run_failures") or 0
        parts.append(f"last feed run {_when(info['feed_run_at'])}: {info.get('feed_run_articles') or 0:,} new"
                     f" articles, {failures:,} failure{'s' if failures != 1 else ''}")
    else:
        parts.append("no feed run yet")
    return "Last updated: " + " · ".join(parts)


def render():
    """Title, "last updated", and the container the counts go into."""
    st.title("Event Atlas")
    db = store_location()
    if isinstance(db, str) or db.exists():  # a database URL, or a SQLite file already built
        try:
            # Markdown, not a caption: the caption grey fails contrast (axe); the text holds times and counts only.
            st.markdown(last_updated_text(last_updated(str(db), store_version(db))))
        except Exception:  # noqa: BLE001 (an older or locked store: the page works without the line)
            st.markdown("Last updated: unknown")
    return st.container()


def metrics(container, shown: pd.DataFrame) -> None:
    with container:
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Events shown", len(shown))
        c2.metric("Articles", shown["article_id"].nunique())
        c3.metric("Places", shown["place"].nunique())
        c4.metric("Claimed, not verified", claimed_not_verified(shown),
                  help="Events one side claims (a Russian or Ukrainian source) that nobody independently confirmed.")
