"""Share and download: the link to this view and the shown events in every export format."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from geo.dashboard import ViewState
from geo.formats import EXPORTERS

from .data import Page
from .session import url_state


def render(page: Page, view: ViewState, shown: pd.DataFrame) -> None:
    st.subheader("Share and download")
    query = url_state(page, view).to_query()
    base = (st.context.url or "").split("?")[0]
    share = base + ("?" + urlencode(query) if query else "")
    st.code(share or "?" + urlencode(query), language=None)
    st.caption("Copy link to this view (copy button on the right): it reopens these filters, dates and selection.")
    for col, exporter in zip(st.columns(len(EXPORTERS)), EXPORTERS.values()):
        col.download_button(exporter.label, lambda write=exporter.write: write(shown),
                            file_name=f"events{exporter.suffix}", mime=exporter.mime, on_click="ignore")
