"""AppTest smoke tests of the Streamlit page (no browser)."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENT_ATLAS_DB", str(tmp_path / "events.db"))
    at = AppTest.from_file("../app.py", default_timeout=600)
    at.run()
    assert not at.exception, at.exception
    return at


def test_first_start_builds_store_and_shows_events(app):
    shown = app.metric[0]
    assert shown.label == "Events shown" and int(shown.value) >= 30
    places = set(app.dataframe[0].value["place"])
    assert {"Kharkiv", "Kotluban", "Belgorod"} <= places


def test_date_slider_and_type_filter_narrow_the_events(app):
    total = int(app.metric[0].value)
    slider = app.slider[0]
    lo, hi = slider.value
    slider.set_value((date(2024, 5, 1), date(2024, 5, 31))).run()
    in_may = int(app.metric[0].value)
    assert 0 < in_may < total
    assert all(date(2024, 5, 1) <= d <= date(2024, 5, 31) for d in app.dataframe[0].value["date"].map(date.fromisoformat))
    app.multiselect[0].set_value(["strike"]).run()
    assert set(app.dataframe[0].value["event_type"]) == {"strike"}
    assert int(app.metric[0].value) < in_may
