"""Share and download, in one row near the top: the link to this view (filters, dates, selection,
and the map's centre and zoom) and the filtered events in every export format, each button
saying how many events it holds."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from geo.dashboard import ViewState
from geo.formats import EXPORTERS

from .data import Page
from .session import url_state


def render(page: Page, view: ViewState, shown: pd.DataFrame) -> None:
    query = url_state(page, view).to_query()
    base = (st.context.url or "").split("?")[0]
    share = base + ("?" + urlencode(query) if query else "")
    n = len(shown)
    widths = [1.0 + 0.02 * max(0, len(exporter.label) - 8) for exporter in EXPORTERS.values()]
    cols = st.columns([1.6] + widths, vertical_alignment="center")
    with cols[0]:
        # Copy button on the right. The map's script keeps the link's "map=" (centre and zoom)
        # current as the map moves; the address bar holds the same link.
        st.code(share or "?" + urlencode(query), language=None, wrap_lines=True)  # no scrolling region (axe)
    for col, exporter in zip(cols[1:], EXPORTERS.values()):
        col.download_button(f"{exporter.label}: {n:,} events", lambda write=exporter.write: write(shown),
                            file_name=f"events{exporter.suffix}", mime=exporter.mime, on_click="ignore",
                            help=f"Download the {n:,} filtered events", use_container_width=True)
