"""AppTest smoke tests of the Streamlit page (no browser)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from geo.dashboard import type_label
from ui import keys

APP = "../../app.py"


def shown_count(at: AppTest) -> int:
    """The "Events shown" metric (metrics take no key: found by label)."""
    return int(next(m for m in at.metric if m.label == "Events shown").value)


def table(at: AppTest):
    """The events table's rows: the page's only table (its key, keys.table(selected), follows the selection)."""
    (frame,) = at.dataframe
    return frame.value


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENT_ATLAS_DB", str(tmp_path / "events.db"))
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    assert not at.exception, at.exception
    return at


def test_first_start_builds_store_and_shows_events(app):
    assert shown_count(app) >= 30
    places = set(table(app)["place"])
    assert {"Kharkiv", "Belgorod"} <= places  # Kotluban's event is below the confidence threshold (#11)


def test_date_slider_and_type_filter_narrow_the_events(app):
    total = shown_count(app)
    slider = app.slider(key=keys.DATE_RANGE)
    lo, hi = slider.value
    slider.set_value((max(lo, date(2024, 5, 1)), date(2024, 5, 31))).run()  # within the slider's range
    in_may = shown_count(app)
    assert 0 < in_may < total
    assert all(date(2024, 5, 1) <= d <= date(2024, 5, 31) for d in table(app)["date"].map(date.fromisoformat))
    app.multiselect(key=keys.TYPES).set_value(["strike"]).run()
    assert set(table(app)["event_type"]) == {type_label("strike")}
    assert shown_count(app) < in_may


def _open(db, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("EVENT_ATLAS_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=600)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_widget_changes_are_written_to_the_url_and_a_url_reproduces_the_view(built_db, monkeypatch):
    at = _open(built_db, monkeypatch)
    at.multiselect(key=keys.TYPES).set_value(["strike"]).run()
    at.text_input(key=keys.Q).set_value("missile").run()
    window = (max(at.slider(key=keys.DATE_RANGE).value[0], date(2024, 5, 1)), date(2024, 5, 31))
    at.slider(key=keys.DATE_RANGE).set_value(window).run()
    shown = shown_count(at)
    params = {k: v for k, v in at.query_params.items()}
    assert params["type"] in ("strike", ["strike"]) and "from" in params and "q" in params
    flat = {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items()}
    again = _open(built_db, monkeypatch, **flat)
    assert shown_count(again) == shown
    assert again.slider(key=keys.DATE_RANGE).value == window
    assert again.multiselect(key=keys.TYPES).value == ["strike"]
    assert list(table(again)["event_id"]) == list(table(at)["event_id"])


def test_distance_band_side_and_search_filters(built_db, monkeypatch):
    at = _open(built_db, monkeypatch, conf="0.00")  # Kotluban's event is below the default threshold (#11)
    total = shown_count(at)
    at.selectbox(key=keys.MAX_KM).set_value(50).run()
    near = table(at)
    assert 0 < len(near) < total and (near["pair_km"] <= 50).all()
    at.selectbox(key=keys.MAX_KM).set_value(0).run()
    at.radio(key=keys.SIDE).set_value("b").run()
    assert set(table(at)["country_code"].dropna()) - {""} <= {"RU"}  # empty cells are empty (#17)
    at.radio(key=keys.SIDE).set_value("any").run()
    at.text_input(key=keys.Q).set_value("Kotluban").run()
    assert set(table(at)["place"]) == {"Kotluban"}


def test_exports_playback_and_selection_controls(built_db, monkeypatch):
    at = _open(built_db, monkeypatch, event="1")
    labels = [b.label for b in at.get("download_button")]
    assert [label.split(": ")[0] for label in labels] == ["CSV", "GeoJSON", "KML (Google Earth)"]
    assert all(label.endswith(" events") for label in labels)  # each says how many events it holds
    assert table(at)["event_id"].iloc[0] == 1  # selected event from the URL on top
    assert any("event #1" in m.value for m in at.markdown)  # its card + article, evidence marked
    assert any("<mark>" in h.proto.body for h in at.get("html"))
    play = at.button(key=keys.PLAY_BUTTON)
    assert "Play" in play.label
    play.click().run()
    assert "Pause" in at.button(key=keys.PLAY_BUTTON).label and at.session_state[keys.PLAYING]


def test_changing_the_border_pair_recomputes_distances(built_db, monkeypatch):
    at = _open(built_db, monkeypatch)
    ua_ru = table(at).set_index("event_id")["pair_km"]
    assert any("Belarus" in o for o in at.selectbox(key=keys.PAIR).options)
    at.selectbox(key=keys.PAIR).set_value("UA-BY").run()
    assert not at.exception
    ua_by = table(at).set_index("event_id")["pair_km"]
    assert (ua_by.reindex(ua_ru.index) - ua_ru).abs().max() > 50


def test_pasted_article_adds_events(built_db, monkeypatch, tmp_path):
    import shutil

    db = tmp_path / "copy.db"  # a private copy: this test writes to the store (local mode may edit)
    shutil.copy(built_db, db)
    monkeypatch.setenv("EVENT_ATLAS_LOCAL_EDITING", "1")  # AppTest has no server bound to 127.0.0.1
    at = _open(db, monkeypatch)
    before = shown_count(at)
    at.text_area(key=keys.PASTE_TEXT).set_value(
        "Russian drones struck an energy facility in Poltava on Monday, the regional governor said.").run()
    at.date_input(key=keys.PASTE_DATE).set_value(date(2024, 6, 3)).run()
    at.button(key=keys.EXTRACT).click().run()
    assert not at.exception, at.exception
    assert shown_count(at) > before
    assert "Poltava" in set(table(at)["place"])


def test_with_an_editor_password_uploads_stay_in_the_session(built_db, monkeypatch, tmp_path):
    import shutil

    from geo.store.store import EventStore

    db = tmp_path / "shared.db"
    shutil.copy(built_db, db)
    with EventStore(db) as store:
        stored = store.count_events()
    monkeypatch.setenv("EVENT_ATLAS_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=600)
    at.secrets["editor_password"] = "s3cret"
    at.run()
    before = shown_count(at)
    assert at.text_input(key=keys.EDITOR_PASSWORD)  # asked for, not yet given
    at.text_area(key=keys.PASTE_TEXT).set_value("Russian drones struck an energy facility in Poltava on Monday.").run()
    at.date_input(key=keys.PASTE_DATE).set_value(date(2024, 6, 3)).run()  # required (#17 item 3)
    at.button(key=keys.EXTRACT).click().run()
    assert not at.exception, at.exception
    assert shown_count(at) > before  # shown to this visitor ...
    with EventStore(db) as store:
        assert store.count_events() == stored  # ... but the shared store is untouched


def _corrections_of_event_1(db) -> dict:
    from geo.store.store import EventStore

    with EventStore(db) as store:
        (key,) = store.events_frame().query("event_id == 1")["event_key"]
        return {c["field"]: c for c in store.corrections(key)}


def test_an_editor_corrects_an_event_and_the_correction_is_kept(built_db, monkeypatch, tmp_path):
    import shutil

    from geo.store.store import EventStore

    db = tmp_path / "fix.db"  # a private copy: this test writes corrections
    shutil.copy(built_db, db)
    monkeypatch.setenv("EVENT_ATLAS_LOCAL_EDITING", "1")
    at = _open(db, monkeypatch, event="1")
    at.selectbox(key=keys.FIX_TYPE).set_value("explosion")
    at.radio(key=keys.FIX_VERIFIED).set_value("not verified")
    at.text_area(key=keys.FIX_NOTES).set_value("=cmd| not a formula in exports")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception, at.exception
    fields = _corrections_of_event_1(db)
    with EventStore(db) as store:
        row = store.events_frame().query("event_id == 1").iloc[0]
    assert set(fields) == {"event_type", "verified", "notes"}
    assert fields["event_type"]["author"] == "local user"
    assert row["event_type"] == "explosion" and bool(row["verified"]) is False
    assert table(at).set_index("event_id").loc[1, "event_type"] == type_label("explosion")


def test_anonymous_visitors_of_a_shared_deployment_cannot_correct(built_db, monkeypatch):
    monkeypatch.delenv("EVENT_ATLAS_LOCAL_EDITING", raising=False)  # a deployment, no secrets, no opt-in
    at = _open(built_db, monkeypatch, event="1")
    assert not [b for b in at.button if b.label == "Save correction"]


def test_reference_line_distance_band(built_db, monkeypatch):
    import json

    at = _open(built_db, monkeypatch, lkm="25")  # a shared URL: the band waits for the line
    total = shown_count(at)
    assert "line_max_km" not in [s.key for s in at.selectbox] and at.query_params["lkm"] in ("25", ["25"])
    line = {"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[36.0, 48.0], [38.0, 50.0]]}}
    upload = ("front.geojson", json.dumps(line).encode(), "application/json")
    at.file_uploader(key=keys.LINE_FILE).set_value(upload).run()
    assert not at.exception, at.exception
    band = at.selectbox(key=keys.LINE_MAX_KM)
    assert band.value == 25
    near = table(at)
    assert 0 < len(near) < total and (near["line_km"] <= 25).all()
    band.set_value(100).run()
    assert (table(at)["line_km"] <= 100).all() and at.query_params["lkm"] in ("100", ["100"])
    at.selectbox(key=keys.LINE_MAX_KM).set_value(0).run()
    assert shown_count(at) == total and "lkm" not in at.query_params


def test_password_sign_in_survives_reruns_and_stores_corrections(built_db, monkeypatch, tmp_path):
    """#19 item 8: the signed-in state is kept outside the password box, so a correction made
    after signing in is stored; a wrong guess is refused with a message."""
    import shutil

    db = tmp_path / "pw.db"
    shutil.copy(built_db, db)
    monkeypatch.delenv("EVENT_ATLAS_LOCAL_EDITING", raising=False)
    monkeypatch.setenv("EVENT_ATLAS_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=600)
    at.secrets["editor_password"] = "s3cret"
    at.query_params["event"] = "1"
    at.run()
    assert not [b for b in at.button if b.label == "Save correction"]
    at.text_input(key=keys.EDITOR_PASSWORD).set_value("wrong")
    next(b for b in at.button if b.label == "Sign in as editor").click().run()
    assert any("Wrong password" in e.value for e in at.error)
    at.text_input(key=keys.EDITOR_PASSWORD).set_value("s3cret")
    next(b for b in at.button if b.label == "Sign in as editor").click().run()
    assert not at.exception, at.exception
    at.run()  # later reruns: still signed in (the box is gone, its value with it)
    assert any("Saved to the shared event store" in c.value for c in at.caption)
    at.selectbox(key=keys.FIX_TYPE).set_value("explosion")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception, at.exception
    assert _corrections_of_event_1(db)["event_type"]["author"] == "editor (password)"


def test_an_uploaded_value_is_shown_as_text_not_markdown(built_db, monkeypatch):
    """#19: a problem message quotes the uploaded 'published' value; it must not load an image."""
    import json

    monkeypatch.delenv("EVENT_ATLAS_LOCAL_EDITING", raising=False)
    at = _open(built_db, monkeypatch)
    bad = json.dumps({"id": "x", "published": "![p](http://127.0.0.1:9/p.png)", "text": "Drones struck Kyiv."})
    at.file_uploader(key=keys.UPLOADS).set_value([("bad.json", bad.encode(), "application/json")]).run()
    at.button(key=keys.EXTRACT).click().run()
    assert not at.exception, at.exception
    (warning,) = [w.value for w in at.warning if "published" in w.value]
    assert "![" not in warning and "](" not in warning and "127.0.0.1:9/p.png" in warning.replace("\\", "")


def test_anonymous_text_is_capped_per_article_and_per_session(built_db, monkeypatch):
    """#19 item 2: the caps are said in the UI; text over them is refused by name, never extracted
    or kept in the session."""
    monkeypatch.delenv("EVENT_ATLAS_LOCAL_EDITING", raising=False)
    monkeypatch.setenv("EVENT_ATLAS_MAX_ARTICLE_CHARS", "200")
    monkeypatch.setenv("EVENT_ATLAS_MAX_SESSION_CHARS", "300")
    at = _open(built_db, monkeypatch)
    assert any("Up to 200 characters per article and 300 per session" in c.value for c in at.caption)
    before = shown_count(at)

    at.date_input(key=keys.PASTE_DATE).set_value(date(2024, 6, 3)).run()  # required (#17 item 3)

    def paste(text):
        at.text_area(key=keys.PASTE_TEXT).set_value(text).run()
        at.button(key=keys.EXTRACT).click().run()
        assert not at.exception, at.exception
        return " ".join(w.value.replace("\\", "") for w in at.warning)

    long = ("Russian drones struck Poltava on Monday. " * 6).encode()  # the paste box stops at 200 itself
    at.file_uploader(key=keys.UPLOADS).set_value([("long-2024-06-03.txt", long, "text/plain")]).run()
    at.button(key=keys.EXTRACT).click().run()
    assert "over the limit of 200 per article" in " ".join(w.value.replace("\\", "") for w in at.warning)
    assert shown_count(at) == before
    at.file_uploader(key=keys.UPLOADS).set_value([]).run()
    first = "Russian drones struck an energy facility in Poltava on Monday, the regional governor said."
    paste(first + " " + first)
    assert shown_count(at) > before
    assert "would take this session over its limit of 300" in paste(
        "Ukrainian drones struck a refinery in Belgorod on Tuesday, the governor said. " * 2)
    kept = at.session_state[keys.SESSION_ARTICLES]
    assert sum(len(a.text) for a in kept.values()) <= 300


def test_a_bad_reference_line_is_reported_not_raised(built_db, monkeypatch):
    """#19 item 3: a deeply nested file raised RecursionError; an oversized one was accepted."""
    at = _open(built_db, monkeypatch)
    total = shown_count(at)
    at.file_uploader(key=keys.LINE_FILE).set_value(("deep.geojson", b"[" * 100_000 + b"]" * 100_000,
                                                    "application/json")).run()
    assert not at.exception, at.exception
    assert any("nested too deeply" in e.value for e in at.error) and shown_count(at) == total
    monkeypatch.setenv("EVENT_ATLAS_MAX_LINE_KB", "1")
    big = b'{"type": "LineString", "coordinates": [[36.0, 48.0], [38.0, 50.0]]}' + b" " * 2000
    at.file_uploader(key=keys.LINE_FILE).set_value(("big.geojson", big, "application/json")).run()
    assert not at.exception, at.exception
    assert any("over the limit of 1,000" in e.value.replace("\\", "") for e in at.error)


def test_step_buttons_move_the_window_by_the_step_size(built_db, monkeypatch):
    """#17: playback has step back / step forward and a step size (day or week)."""
    at = _open(built_db, monkeypatch)
    hi = at.slider(key=keys.DATE_RANGE).value[1]
    at.selectbox(key=keys.STEP).set_value("week").run()
    at.button(key=keys.STEP_BACK).click().run()
    start, end = at.slider(key=keys.DATE_RANGE).value
    assert end == hi - timedelta(days=7) and (end - start).days == 6  # the 7-day window, a week back
    at.button(key=keys.STEP_FORWARD).click().run()
    assert at.slider(key=keys.DATE_RANGE).value[1] == hi
    at.selectbox(key=keys.STEP).set_value("day").run()
    at.button(key=keys.STEP_BACK).click().run()
    assert at.slider(key=keys.DATE_RANGE).value[1] == hi - timedelta(days=1)
    assert not at.exception
