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
    st.caption("Link to this view (copy button on the right): it reopens these filters, dates, the selected event "
               "and the map's centre and zoom. Downloads hold every filtered event.")
    cols = st.columns([3] + [1.2] * len(EXPORTERS), vertical_alignment="center")
    with cols[0]:
        # The map's script keeps the link's "map=" (centre and zoom) current as the map moves.
        st.code(share or "?" + urlencode(query), language=None, wrap_lines=False)
    for col, exporter in zip(cols[1:], EXPORTERS.values()):
        col.download_button(f"⬇ {exporter.label} ({n:,} events)", lambda write=exporter.write: write(shown),
                            file_name=f"events{exporter.suffix}", mime=exporter.mime, on_click="ignore",
                            help=f"The {n:,} filtered events", use_container_width=True)
