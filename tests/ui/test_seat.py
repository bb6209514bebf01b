"""#17 "The analyst's seat" (items 1, 2, 3, 5 and the table), #11 confidence on the dashboard, #15 "last updated".

AppTests on one bundled-data store; tests that write get a private copy."""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.test_app import APP, shown_count, table
from ui import keys


@pytest.fixture
def copy_db(built_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(built_db, db)
    return db


def _open(db, monkeypatch, secrets=None, **query) -> AppTest:
    monkeypatch.setenv("EVENT_ATLAS_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=600)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _sql(db, statement: str, *args) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(statement, args)


# --------------------------------------------------------------------------- #11 confidence


def test_default_threshold_hides_a_less_certain_event_and_the_toggle_shows_it_marked(copy_db, monkeypatch):
    _sql(copy_db, "UPDATE events SET confidence = 0.2 WHERE event_id = 1")
    _sql(copy_db, "UPDATE events SET confidence = NULL WHERE event_id = 2")  # an imported row: always shown
    at = _open(copy_db, monkeypatch)
    box = at.number_input(key=keys.MIN_CONFIDENCE)
    assert box.value == 0.60 and "0.85" in box.help
    ids = set(table(at)["event_id"])
    assert 1 not in ids and 2 in ids
    at.toggle(key=keys.LESS_CERTAIN).set_value(True).run()
    rows = table(at).set_index("event_id")
    assert rows.loc[1, "less_certain"] == "less certain" and rows.loc[2, "less_certain"] == ""
    assert at.query_params["lc"] in ("1", ["1"])
    again = _open(copy_db, monkeypatch, lc="1", conf="0.10")  # the URL keeps both
    assert at.number_input(key=keys.MIN_CONFIDENCE).value == 0.60
    assert again.number_input(key=keys.MIN_CONFIDENCE).value == 0.10
    assert 1 in set(table(again)["event_id"])


# --------------------------------------------------------------------------- #17 item 5


def test_distance_bands_leave_out_region_events_by_default_and_say_so(built_db, monkeypatch):
    at = _open(built_db, monkeypatch, km="100", conf="0.00")
    assert set(table(at)["precision"]) == {"place"}
    assert any("named place only" in c.value for c in at.markdown)
    at.checkbox(key=keys.COARSE_KM).check().run()
    assert "region" in set(table(at)["precision"]) and at.query_params["coarse"] in ("1", ["1"])
    at.multiselect(key=keys.PRECISION).set_value(["region"]).run()
    assert set(table(at)["precision"]) == {"region"}


def test_claimant_spellings_are_one_choice_and_claimed_not_verified_counts_one_sides_claims(built_db, monkeypatch):
    at = _open(built_db, monkeypatch, conf="0.00")
    options = at.multiselect(key=keys.CLAIMED_BY).options
    assert "Russian Ministry of Defence" in options
    assert not {"Russia's defence ministry", "Russian Defence Ministry", "officials"} & set(options)
    at.multiselect(key=keys.CLAIMED_BY).set_value(["Russian Ministry of Defence"]).run()
    assert shown_count(at) >= 3  # three spellings in the bundled reports
    claimed = int(next(m for m in at.metric if m.label == "Claimed, not verified").value)
    assert claimed == shown_count(at)  # the ministry is one side; none of its claims is confirmed


def test_a_harbour_city_outside_the_coarse_coast_is_on_its_countrys_side(built_db, monkeypatch):
    at = _open(built_db, monkeypatch, conf="0.00", side="a", q="kherson")
    assert "Kherson" in set(table(at)["place"])  # was "Elsewhere": its point lies off the 10m polygon


def test_table_headers_are_words_and_empty_cells_empty(built_db, monkeypatch):
    at = _open(built_db, monkeypatch)
    rows = table(at)
    assert not rows.isin(["None", "nan", "<NA>"]).any().any()
    assert rows["verified"].isin(["", "yes", "no"]).all()
    assert rows["quantities"].map(lambda v: isinstance(v, str)).all()
    (frame,) = at.dataframe
    assert "Type" in str(frame.proto) and "Claimed by" in str(frame.proto)


# --------------------------------------------------------------------------- #17 item 1: adding articles


def _warnings(at: AppTest) -> str:
    return " ".join(w.value.replace("\\", "") for w in at.warning)


def test_add_article_feedback_stays_until_dismissed_and_names_the_uploaded_file(built_db, monkeypatch):
    monkeypatch.delenv("EVENT_ATLAS_LOCAL_EDITING", raising=False)  # read-only: events stay in the session
    at = _open(built_db, monkeypatch)
    uploader = at.file_uploader(key=keys.UPLOADS)
    bad = b'{"id": "x1", "published": "2024-06-03", "text": "Russian drones struck Poltava on Monday."}\nnot json\n'
    uploader.set_value([("reports.jsonl", bad, "application/json"), ("empty.jsonl", b"", "application/json")]).run()
    at.button(key=keys.EXTRACT).click().run()
    assert not at.exception, at.exception
    said = _warnings(at)
    assert "reports.jsonl:2: malformed JSON" in said and "empty.jsonl: no articles" in said
    assert "/tmp" not in said and "tmp" not in said.split("reports.jsonl")[0]
    assert any("added to your session" in s.value for s in at.success)
    at.text_input(key=keys.Q).set_value("drone").run()  # any later rerun: still on screen
    assert "reports.jsonl:2" in _warnings(at) and any("added to your session" in s.value for s in at.success)
    at.button(key=keys.DISMISS_MESSAGES).click().run()
    assert "reports.jsonl" not in _warnings(at) and not at.success


def test_the_uploaders_stated_limit_is_the_ingest_limit(built_db, monkeypatch):
    monkeypatch.setenv("EVENT_ATLAS_MAX_FILE_MB", "7")
    at = _open(built_db, monkeypatch)
    (uploader,) = [u for u in at.get("file_uploader") if u.proto.id.endswith(keys.UPLOADS)]
    assert uploader.proto.max_upload_size_mb == 7 and "Up to 7 MB" in uploader.proto.help


# --------------------------------------------------------------------------- #17 item 3: the publication date


def test_published_has_no_default_and_is_required_or_read_from_the_dateline(copy_db, monkeypatch):
    from datetime import date

    from geo.store.store import EventStore

    monkeypatch.setenv("EVENT_ATLAS_LOCAL_EDITING", "1")
    at = _open(copy_db, monkeypatch)
    assert at.date_input(key=keys.PASTE_DATE).value is None  # no "today"
    at.text_area(key=keys.PASTE_TEXT).set_value("Russian drones struck an energy facility in Poltava on Monday.").run()
    at.button(key=keys.EXTRACT).click().run()
    assert "publication date" in _warnings(at)
    with EventStore(copy_db) as store:
        assert "Poltava" not in set(store.events_frame()["place"])  # nothing extracted without a date
    at.text_area(key=keys.PASTE_TEXT).set_value(
        "POLTAVA, June 4, 2024 (Reuters) - Russian drones struck an energy facility in Poltava on Monday.").run()
    at.button(key=keys.EXTRACT).click().run()
    assert not at.exception, at.exception
    with EventStore(copy_db) as store:
        frame = store.events_frame()
    (day,) = set(frame.loc[frame["place"] == "Poltava", "date"])
    assert date(2024, 6, 1) <= date.fromisoformat(day) <= date(2024, 6, 4)  # from the dateline, not today


# --------------------------------------------------------------------------- #17 items 2 and 3: corrections


def _event(db, event_id: int):
    from geo.store.store import EventStore

    with EventStore(db) as store:
        return store.events_frame().set_index("event_id").loc[event_id]


def test_correcting_the_point_recomputes_every_derived_field_in_the_store_and_the_card(copy_db, monkeypatch):
    before = _event(copy_db, 1)  # Kharkiv
    assert before["country_code"] == "UA"
    monkeypatch.setenv("EVENT_ATLAS_LOCAL_EDITING", "1")
    at = _open(copy_db, monkeypatch, event="1", conf="0.00")
    at.number_input(key=keys.FIX_LAT).set_value(51.0)
    at.number_input(key=keys.FIX_LON).set_value(35.5)  # Kursk Oblast, about 10 km into Russia
    at.text_input(key=keys.FIX_PLACE).set_value("Near Sudzha")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception, at.exception
    after = _event(copy_db, 1)
    assert after["border_distance_km"] < 20 and after["border_distance_km"] != before["border_distance_km"]
    assert after["border_side"] == "RU" and after["country_code"] == "RU" and after["admin1"] == "Kursk Oblast"
    row = table(at).set_index("event_id").loc[1]
    assert row["pair_km"] == after["border_distance_km"] and row["country_code"] == "RU"
    card = " ".join(h.proto.body for h in at.get("html"))
    assert f"{after['border_distance_km']:.1f} km" in card
    near = _open(copy_db, monkeypatch, km="25", side="b", conf="0.00")  # the distance filters find it
    assert 1 in set(table(near)["event_id"])


def test_editors_correct_date_and_claimant_and_hide_an_event_keeping_the_trail(copy_db, monkeypatch):
    from datetime import date

    from geo.store.store import EventStore

    monkeypatch.setenv("EVENT_ATLAS_LOCAL_EDITING", "1")
    at = _open(copy_db, monkeypatch, event="1", conf="0.00")
    at.date_input(key=keys.FIX_DATE).set_value(date(2024, 5, 10))
    at.text_input(key=keys.FIX_CLAIMED_BY).set_value("Russian Defence Ministry")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception, at.exception
    row = _event(copy_db, 1)
    assert row["date"] == "2024-05-10" and row["claimed_by"] == "Russian Defence Ministry"
    assert table(at).set_index("event_id").loc[1, "claimant"] == "Russian Ministry of Defence"
    total = shown_count(at)
    at.checkbox(key=keys.FIX_HIDDEN).check()
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception, at.exception
    assert 1 not in set(table(at)["event_id"]) and shown_count(at) == total - 1
    assert any("Hidden by an editor" in w.value for w in at.warning)  # its card still opens (to un-hide)
    with EventStore(copy_db) as store:
        frame = store.events_frame()
        assert bool(frame.set_index("event_id").loc[1, "hidden"])  # kept, with its corrections
        assert {"date", "claimed_by", "hidden"} <= {c["field"] for c in store.corrections(frame.loc[0, "event_key"])}


# --------------------------------------------------------------------------- #15: last updated


def test_last_updated_names_the_newest_article_and_the_last_feed_run(copy_db, monkeypatch):
    from geo.store.store import EventStore

    at = _open(copy_db, monkeypatch)
    (line,) = [c.value for c in at.markdown if c.value.startswith("Last updated:")]
    assert "newest article stored" in line and "published up to 2024-" in line and "no feed run yet" in line
    with EventStore(copy_db) as store:
        run = store.start_feed_run()
        store.finish_feed_run(run, feeds=1, not_modified=0, articles=3, events=5, failures=["x: timeout"])
    at = _open(copy_db, monkeypatch)
    (line,) = [c.value for c in at.markdown if c.value.startswith("Last updated:")]
    assert "last feed run" in line and "3 new articles, 1 failure" in line
