"""Adding articles: paste or upload, extract, and keep the events in the store (editors) or in
this visitor's session (read-only deployments)."""
from __future__ import annotations

import json
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import streamlit as st

from geo.dashboard import views
from geo.formats.articles import ARTICLE_SUFFIXES, load_articles
from geo.store import EventStore

from . import keys
from .data import Page, progress_bar
from .editing import can_edit, editing_policy, password_sign_in


def _load(pasted: str, published: date, uploads) -> object:
    """The pasted text and uploaded files as articles, read by the same loader as `ingest`."""
    with tempfile.TemporaryDirectory() as tmp:
        if pasted.strip():
            stamp = f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
            (Path(tmp) / f"{stamp}.txt").write_text(pasted, encoding="utf-8")
            (Path(tmp) / f"{stamp}.meta.json").write_text(
                json.dumps({"id": stamp, "published": published.isoformat(), "title": pasted.strip()[:80]}))
        for f in uploads or []:
            (Path(tmp) / Path(f.name).name).write_bytes(f.getvalue())
        return load_articles([tmp])


def _extract(page: Page, loaded, editing: bool) -> None:
    from geo.pipeline import extract_events, ingest_articles

    bar, progress = progress_bar("Extracting…")
    if editing:
        with EventStore(page.db) as store:
            summary = ingest_articles(store, loaded.articles, progress=progress)
        st.success(f"{summary.articles} new articles, {summary.events} events added to the store.")
        return
    done_articles = {}

    def collect(article, evs) -> None:
        done_articles[article.id] = article
        progress(len(done_articles), len(loaded.articles))

    new = extract_events(loaded.articles, on_article=collect)
    frame = views.session_events_frame(new, done_articles, page.stored, page.session_events)
    st.session_state[keys.SESSION_EVENTS] = frame
    st.session_state[keys.SESSION_TOKEN] = uuid.uuid4().hex
    st.session_state.setdefault(keys.SESSION_ARTICLES, {}).update(done_articles)
    st.success(f"{len(new)} events from {len(done_articles)} articles added to your session.")


def render(page: Page) -> None:
    with st.expander("Add articles"):
        policy = editing_policy()
        editing = can_edit(policy)
        if policy.mode == "oidc" and not editing:
            st.button("Sign in to add to the shared store", on_click=st.login)
        elif policy.mode == "password" and not editing:
            password_sign_in(policy)
        st.caption("Saved to the shared event store." if editing else
                   "Read-only deployment: new events stay in your session.")
        pasted = st.text_area("Paste an article", key=keys.PASTE_TEXT)
        published = st.date_input("Published", value=date.today(), key=keys.PASTE_DATE)
        uploads = st.file_uploader("…or upload files", type=[s.lstrip(".") for s in ARTICLE_SUFFIXES],
                                   accept_multiple_files=True, key=keys.UPLOADS)
        if st.button("Extract events", disabled=not (pasted.strip() or uploads), key=keys.EXTRACT):
            loaded = _load(pasted, published, uploads)
            for problem in loaded.problems:
                st.warning(views.markdown_literal(problem))
            _extract(page, loaded, editing)
            st.rerun()
