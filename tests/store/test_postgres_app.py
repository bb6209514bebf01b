"""The dashboard on a PostgreSQL store (a real server, tests/pg_server.py): it reads the events,
an editor's correction is stored in the database and seen after a restart, and a database that
is down gives a message, not a traceback."""
from __future__ import annotations

import socket

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo.dashboard import type_label
from geo.store import EventStore
from ui import keys

APP = "../../app.py"


@pytest.fixture
def pg_store(pg_url):
    from geo.synth import write_synthetic

    with EventStore(pg_url) as store:
        write_synthetic(store, 120, seed=3)
    return pg_url


def _open(url: str, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("EVENT_ATLAS_DB", url)
    at = AppTest.from_file(APP, default_timeout=600)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


def test_the_page_reads_and_corrects_a_postgresql_store(pg_store, monkeypatch):
    monkeypatch.setenv("EVENT_ATLAS_LOCAL_EDITING", "1")
    with EventStore(pg_store) as store:
        first = int(store.events_frame()["event_id"].min())
    at = _open(pg_store, monkeypatch, event=str(first))
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 120
    at.selectbox(key=keys.FIX_TYPE).set_value("explosion")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception, at.exception
    with EventStore(pg_store) as store:
        (fix,) = store.corrections()
    assert fix["field"] == "event_type" and fix["value"] == "explosion"
    # A restart: nothing cached in the process survives; the correction is in the database.
    st.cache_resource.clear()
    st.cache_data.clear()
    again = _open(pg_store, monkeypatch)
    assert not again.exception, again.exception
    shown = again.dataframe[0].value.set_index("event_id")
    assert shown.loc[first, "event_type"] == type_label("explosion")  # the table shows types in words


def test_a_database_that_is_down_gives_a_message(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    at = _open(f"postgresql://atlas:pw@127.0.0.1:{port}/atlas", monkeypatch)
    assert not at.exception, at.exception
    (error,) = at.error
    assert "cannot be reached" in error.value and "cannot connect" in error.value and "pw" not in error.value


def test_the_url_comes_from_the_apps_secrets(pg_store, monkeypatch, tmp_path):
    monkeypatch.setenv("EVENT_ATLAS_DB", str(tmp_path / "not-used.db"))  # restored after the test
    at = AppTest.from_file(APP, default_timeout=600)
    at.secrets["connections"] = {"event_atlas": {"url": pg_store}}
    at.run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 120
    assert not (tmp_path / "not-used.db").exists()
