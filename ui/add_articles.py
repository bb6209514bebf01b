"""Adding articles: paste or upload, extract, and keep the events in the store (editors) or in
this visitor's session (read-only deployments).

Caps (geo.dashboard.limits, said in the expander): characters per article and per session,
anonymous visitors less than editors; extraction runs in the server's extraction process
(geo.pipeline.extract_in_worker), so a long job never stalls other sessions' pages.
"""
from __future__ import annotations

import json
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import streamlit as st

from geo import settings
from geo.dashboard import TextLimits, admit, text_limits, views
from geo.formats import ARTICLE_SUFFIXES, LoadResult, load_articles
from geo.store import EventStore

from . import keys
from .data import Page
from .editing import can_edit, editing_policy, password_sign_in


def _load(pasted: str, published: date, uploads, limits: TextLimits) -> LoadResult:
    """The pasted text and uploaded files as articles, read by the same loader as `ingest`;
    an upload too big to hold a session's text is refused before it is read."""
    refused = []
    with tempfile.TemporaryDirectory() as tmp:
        if pasted.strip():
            stamp = f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
            (Path(tmp) / f"{stamp}.txt").write_text(pasted, encoding="utf-8")
            (Path(tmp) / f"{stamp}.meta.json").write_text(
                json.dumps({"id": stamp, "published": published.isoformat(), "title": pasted.strip()[:80]}))
        for f in uploads or []:
            if f.size > limits.upload_bytes:
                refused.append(f"{Path(f.name).name}: {f.size:,} bytes,"
                               f" over the upload limit of {limits.upload_bytes:,}")
                continue
            (Path(tmp) / Path(f.name).name).write_bytes(f.getvalue())
        loaded = load_articles([tmp])
    loaded.problems[:0] = refused
    return loaded


def _extract(page: Page, articles: list, editing: bool) -> list[tuple[str, str]]:
    """Extract `articles` (in the extraction process) into the store or this session; the
    messages to show after the rerun, as (kind, text)."""
    from geo.pipeline import extract_in_worker, store_extracted

    state = st.session_state
    lookups_left = None if editing else state.get(keys.LOOKUPS_LEFT, int(settings.get("visitor_lookups")))
    with st.spinner(f"Extracting {len(articles)} article(s)…"):
        result = extract_in_worker(articles, visitor_lookups=lookups_left)
    messages = [("warning", p) for p in result.problems]
    if not editing:
        state[keys.LOOKUPS_LEFT] = max(0, lookups_left - result.lookups)
    if editing:
        with EventStore(page.db) as store:
            summary = store_extracted(store, result.articles, result.events)
        messages.append(("success", f"{summary.articles} new articles, {summary.events} events added to the store."))
        return messages
    done_articles = {a.id: a for a in result.articles}
    frame = views.session_events_frame(result.events, done_articles, page.stored, page.session_events)
    state[keys.SESSION_EVENTS] = frame
    state[keys.SESSION_TOKEN] = uuid.uuid4().hex
    state.setdefault(keys.SESSION_ARTICLES, {}).update(done_articles)
    messages.append(("success", f"{len(result.events)} events from {len(done_articles)} articles"
                                 " added to your session."))
    return messages


def render(page: Page) -> None:
    with st.expander("Add articles"):
        policy = editing_policy()
        editing = can_edit(policy)
        if policy.mode == "oidc" and not editing:
            st.button("Sign in to add to the shared store", on_click=st.login)
        elif policy.mode == "password" and not editing:
            password_sign_in(policy)
        limits = text_limits(editing)
        used = st.session_state.get(keys.SESSION_CHARS, 0)
        st.caption(("Saved to the shared event store." if editing else
                    "Read-only deployment: new events stay in your session.")
                   + f" Up to {limits.per_article:,} characters per article and {limits.per_session:,} per session"
                   + f" ({used:,} used)." + ("" if editing else " Editors may add longer texts."))
        for kind, message in st.session_state.pop(keys.ADD_MESSAGES, []):
            (st.success if kind == "success" else st.warning)(views.markdown_literal(message))
        pasted = st.text_area("Paste an article", key=keys.PASTE_TEXT, max_chars=limits.per_article)
        published = st.date_input("Published", value=date.today(), key=keys.PASTE_DATE)
        uploads = st.file_uploader("…or upload files", type=[s.lstrip(".") for s in ARTICLE_SUFFIXES],
                                   accept_multiple_files=True, key=keys.UPLOADS)
        if st.button("Extract events", disabled=not (pasted.strip() or uploads), key=keys.EXTRACT):
            loaded = _load(pasted, published, uploads, limits)
            articles, refused, used = admit(loaded.articles, used, limits)
            messages = [("warning", p) for p in loaded.problems + loaded.warnings + refused]
            if articles:
                messages += _extract(page, articles, editing)
                st.session_state[keys.SESSION_CHARS] = used
            st.session_state[keys.ADD_MESSAGES] = messages  # shown after the rerun
            st.rerun()
