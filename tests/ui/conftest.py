"""Fixtures of the page tests: one bundled-data store for every module (building it runs spaCy)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="session")
def built_db(tmp_path_factory):
    """The store the app builds from the bundled articles on first start; tests that change it copy it."""
    db = tmp_path_factory.mktemp("db") / "events.db"
    mp = pytest.MonkeyPatch()
    mp.setenv("EVENT_ATLAS_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    assert not at.exception, at.exception
    yield db
    mp.undo()
