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
from geo.formats import ARTICLE_SUFFIXES, LoadResult, load_articles, max_file_bytes
from geo.store import EventStore

from . import keys
from .data import Page
from .editing import can_edit, editing_policy, password_sign_in


def _load(pasted: str, published: date | None, uploads, limits: TextLimits) -> LoadResult:
    """The pasted text and uploaded files as articles, read by the same loader as `ingest`;
    an upload too big to hold a session's text is refused before it is read. Messages name the
    uploaded file (never the server's temporary folder); a file that gave nothing says so."""
    refused = []
    with tempfile.TemporaryDirectory() as tmp:
        if pasted.strip():
            stamp = f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
            (Path(tmp) / f"{stamp}.txt").write_text(pasted, encoding="utf-8")
            (Path(tmp) / f"{stamp}.meta.json").write_text(
                json.dumps({"id": stamp, "published": published.isoformat() if published else None,
                            "title": pasted.strip()[:80]}))
        names = []
        for f in uploads or []:
            name = Path(f.name).name
            if f.size > limits.upload_bytes:
                refused.append(f"{name}: {f.size:,} bytes, over the upload limit of {limits.upload_bytes:,}")
                continue
            (Path(tmp) / name).write_bytes(f.getvalue())
            names.append(name)
        loaded = load_articles([tmp])
        folder = (str(Path(tmp)) + "/", str(Path(tmp).resolve()) + "/")
        said = " ".join(loaded.problems + loaded.warnings)
        gave = " ".join(str(a.origin) for a in loaded.articles)
        for name in names:  # an empty .jsonl (or one of blank lines) gives no article and no problem
            if f"/{name}" not in said and f"/{name}" not in gave:
                loaded.problems.append(f"{name}: no articles in this file (it is empty)")
    loaded.problems[:] = [_unfold(p, folder) for p in refused + loaded.problems]
    loaded.warnings[:] = [_unfold(w, folder) for w in loaded.warnings]
    return loaded


def _unfold(message: str, folders: tuple[str, ...]) -> str:
    for folder in folders:
        message = message.replace(folder, "")
    return message


def _published(pasted: str, chosen: date | None) -> tuple[date | None, str | None]:
    """The pasted article's publication date: the one chosen, else the text's dateline; or why none."""
    if not pasted.strip() or chosen is not None:
        return chosen, None
    found = views.dateline_date(pasted)
    if found is None:
        return None, ("Give the pasted article's publication date (\"Published\"): its text starts with no"
                      " dateline such as \"KYIV, May 14, 2024\".")
    return found, None


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


def _messages() -> None:
    """The last extraction's problems and result: on screen until dismissed or more is added."""
    messages = st.session_state.get(keys.ADD_MESSAGES) or []
    for kind, message in messages:
        (st.success if kind == "success" else st.warning)(views.markdown_literal(message))
    if messages and st.button("Dismiss these messages", key=keys.DISMISS_MESSAGES):
        st.session_state[keys.ADD_MESSAGES] = []
        st.rerun()


def render(page: Page) -> None:
    with st.expander("Add articles", expanded=bool(st.session_state.get(keys.ADD_MESSAGES))):
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
        _messages()
        pasted = st.text_area("Paste an article", key=keys.PASTE_TEXT, max_chars=limits.per_article)
        published = st.date_input("Published", value=None, key=keys.PASTE_DATE,
                                  help="The pasted article's publication date: relative dates in it (\"on Monday\")"
                                       " count from it. Left empty, the text's dateline (\"KYIV, May 14, 2024\")"
                                       " is used; without one nothing is extracted.")
        file_mb = max(1, max_file_bytes() // 1_000_000)  # the ingest limit (EVENT_ATLAS_MAX_FILE_MB)
        uploads = st.file_uploader("…or upload files", type=[s.lstrip(".") for s in ARTICLE_SUFFIXES],
                                   accept_multiple_files=True, key=keys.UPLOADS, max_upload_size=file_mb,
                                   help=f"Up to {file_mb} MB a file, and {limits.per_session:,} characters of"
                                        " article text in this session.")
        if st.button("Extract events", disabled=not (pasted.strip() or uploads), key=keys.EXTRACT):
            when, missing = _published(pasted, published)
            if missing:
                st.session_state[keys.ADD_MESSAGES] = [("warning", missing)]
                st.rerun()
            loaded = _load(pasted, when, uploads, limits)
            articles, refused, used = admit(loaded.articles, used, limits)
            messages = [("warning", p) for p in loaded.problems + loaded.warnings + refused]
            if articles:
                messages += _extract(page, articles, editing)
                st.session_state[keys.SESSION_CHARS] = used
            elif not messages:
                messages = [("warning", "Nothing to extract.")]
            st.session_state[keys.ADD_MESSAGES] = messages  # kept until dismissed or replaced
            st.rerun()
