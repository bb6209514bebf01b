"""View state <-> URL, filtering, playback windows, table rows, the selected-event card."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from geo.dashboard import views
from geo.dashboard.views import ViewState
from geo.model import Article, Event


def _frame() -> pd.DataFrame:
    rows = [
        dict(event_id=1, event_type="strike", date="2024-05-01", country_code="UA", border_distance_km=20.0,
             border_side="UA", claimed_by="Ukraine's army", verified=False, evidence="Drone hit Kharkiv.",
             place="Kharkiv",
             title="A", sub_type="drone", lat=50.0, lon=36.2, article_id="a"),
        dict(event_id=2, event_type="interception", date="2024-05-03", country_code="RU", border_distance_km=40.0,
             border_side="RU", claimed_by="ministry", verified=True, evidence="Missiles downed over Belgorod.",
             place="Belgorod", title="B", sub_type="missile", lat=50.6, lon=36.6, article_id="b"),
        dict(event_id=3, event_type="strike", date=None, country_code="RU", border_distance_km=300.0,
             border_side="RU", claimed_by=None, verified=None, evidence="Blast in Kotluban.", place="Kotluban",
             title="C", sub_type=None, lat=49.0, lon=44.2, article_id="c"),
        dict(event_id=4, event_type="diplomacy", date="2024-06-10", country_code="TR", border_distance_km=None,
             border_side="TR", claimed_by=None, verified=None, evidence="Talks in Istanbul.", place="Istanbul",
             title="D", sub_type=None, lat=41.0, lon=29.0, article_id="d"),
    ]
    df = views.prepare_events(pd.DataFrame(rows))
    pair = views.pair_columns(df, ("UA", "RU"))
    return df.join(pair)


def test_default_state_has_an_empty_query_and_round_trips():
    assert ViewState().to_query() == {}
    assert ViewState.from_query({}) == ViewState()
    s = ViewState(start=date(2024, 5, 1), end=date(2024, 5, 31), types=("strike", "diplomacy"), countries=("UA",),
                  pair=("UA", "BY"), side="a", max_km=50, claimed_by=("army, navy", "x|y".replace("|", "/")),
                  verified="unverified", q="drone hit", event=42, heat=True, rings=True, line_max_km=25)
    assert ViewState.from_query(s.to_query()) == s


def test_malformed_query_values_fall_back_to_defaults():
    q = ViewState.from_query({"from": "yesterday", "type": "strike,<script>", "km": "7", "pair": "UA-UA",
                              "side": "north", "verified": "maybe", "event": "x1", "country": "Ukraine,ua"})
    assert q.start is None and q.types == ("strike",) and q.max_km == 0 and q.pair == ("UA", "RU")
    assert q.side == "any" and q.verified == "any" and q.event is None and q.countries == ("UA",)
    assert ViewState.from_query({"lkm": "7"}).line_max_km == 0 and ViewState.from_query({"lkm": "-5"}).line_max_km == 0
    assert ViewState.from_query({"type": ["diplomacy", "strike"]}).types == ("strike",)  # last value wins


def test_filters_combine():
    df = _frame()
    ids = lambda s: list(views.filter_events(df, s)["event_id"])  # noqa: E731
    assert ids(ViewState()) == [1, 2, 3, 4]
    assert ids(ViewState(start=date(2024, 5, 2))) == [2, 4]  # undated events drop out of a date range
    assert ids(ViewState(types=("strike",))) == [1, 3]
    assert ids(ViewState(countries=("RU",))) == [2, 3]
    assert ids(ViewState(side="a")) == [1] and ids(ViewState(side="other")) == [4]
    assert ids(ViewState(max_km=25)) == [1]
    assert ids(ViewState(claimed_by=("Officials (unnamed)",))) == [2]  # canonical claimant names
    assert ids(ViewState(verified="verified")) == [2] and ids(ViewState(verified="unverified")) == [1]
    assert ids(ViewState(q="BELGOROD downed")) == [2]
    assert ids(ViewState(q="kharkiv", start=date(2025, 1, 1))) == []
    undated = views.filter_events(df, ViewState(start=date(2025, 1, 1)), ignore_dates=True)
    assert list(undated["event_id"]) == [1, 2, 3, 4]


def test_pair_columns_recompute_for_another_pair():
    df = _frame()
    calls = []

    def dist(lats, lons, a, b):
        calls.append((len(lats), a, b))
        return np.asarray(lats) * 0 + 7.0

    out = views.pair_columns(df, ("UA", "BY"), distance_fn=dist,
                             side_fn=lambda la, lo: np.array(["BY"] * len(la), dtype=object))
    assert calls == [(4, "UA", "BY")] and set(out["pair_km"]) == {7.0} and set(out["pair_side"]) == {"b"}


def test_daily_counts_and_playback():
    counts = views.daily_counts(_frame())
    assert counts["events"].sum() == 3 and set(counts.columns) == {"day", "event_type", "events"}
    lo, hi = date(2024, 1, 1), date(2024, 1, 31)
    assert views.playback_window(lo, hi, date(2024, 1, 10), "moving", 7) == (date(2024, 1, 4), date(2024, 1, 10))
    assert views.playback_window(lo, hi, date(2024, 1, 3), "moving", 7) == (lo, date(2024, 1, 3))
    assert views.playback_window(lo, hi, date(2024, 1, 10), "cumulative", 7) == (lo, date(2024, 1, 10))
    assert views.next_play_day(lo, hi, None) == lo
    assert views.next_play_day(lo, hi, date(2024, 1, 30), 3) == hi and views.next_play_day(lo, hi, hi) == lo


def test_table_rows_newest_first_selected_on_top():
    df = _frame()
    assert list(views.table_rows(df, None, 10)["event_id"]) == [4, 2, 1, 3]
    assert list(views.table_rows(df, 1, 2)["event_id"]) == [1, 4]


def test_session_events_get_ids_outside_the_store():
    stored = _frame()
    art = Article(id="s1", text="x", published=date(2024, 1, 2), title="T")
    ev = Event(article_id="s1", event_type="strike", evidence="x", evidence_start=0, evidence_end=1, date="2024-01-02")
    first = views.session_events_frame([ev], {"s1": art}, stored, None)
    both = views.session_events_frame([ev], {"s1": art}, stored, first)
    assert list(both["event_id"]) == [views.SESSION_ID_BASE, views.SESSION_ID_BASE + 1]
    assert both["title"].iloc[0] == "T" and str(both["day"].iloc[0].date()) == "2024-01-02"


def test_reference_line_distance_band():
    df = _frame()
    ids = lambda d, s: list(views.filter_events(d, s)["event_id"])  # noqa: E731
    assert ViewState(line_max_km=25).to_query() == {"lkm": "25"}
    assert ViewState.from_query({"lkm": "25", "km": "50"}) == ViewState(line_max_km=25, max_km=50)
    assert ids(df, ViewState(line_max_km=10)) == [1, 2, 3, 4]  # no line uploaded: no line_km, no filter
    lined = df.assign(line_km=[5.0, 30.0, np.nan, 9.9])
    assert ids(lined, ViewState(line_max_km=10)) == [1, 4]  # unknown distance drops out
    assert ids(lined, ViewState(line_max_km=50)) == [1, 2, 4]
    assert ids(lined, ViewState(line_max_km=50, max_km=25)) == [1]  # combines with the border band
    assert ids(lined, ViewState()) == [1, 2, 3, 4]


# --- #19 smaller items
def test_table_links_are_http_only():
    import pandas as pd

    from geo.dashboard.views import table_rows

    df = pd.DataFrame({"event_id": [1, 2, 3, 4], "day": pd.to_datetime(["2024-05-01"] * 4),
                       "url": ["javascript:alert(document.cookie)", " JavaScript:alert(1)",
                               "data:text/html,<script>alert(1)</script>", "https://news.example/a"]})
    rows = table_rows(df, None, 10)
    urls = {i: (None if pd.isna(u) else u) for i, u in zip(rows["event_id"], rows["url"])}
    assert urls == {1: None, 2: None, 3: None, 4: "https://news.example/a"}


def test_untrusted_text_for_st_warning_is_markdown_literal():
    from geo.dashboard.views import markdown_literal

    out = markdown_literal("x.json: 'published' is not an ISO date:"
                           " '![p](http://127.0.0.1:9/p.png) [a](javascript:x) <b>'")
    for raw in ("![", "](", "<b>", "[a]"):
        assert raw not in out
    assert out.replace("\\", "") == ("x.json: 'published' is not an ISO date: "
                                     "'![p](http://127.0.0.1:9/p.png) [a](javascript:x) <b>'")


def _frame_with(**columns) -> pd.DataFrame:
    df = _frame()
    return df.assign(**{k: pd.Series(v, index=df.index) for k, v in columns.items()})


def test_confidence_threshold_hides_less_certain_events_unless_asked():
    df = _frame_with(confidence=[0.9, 0.3, None, 0.6])  # None: an imported row, always shown
    ids = lambda s: list(views.filter_events(df, s)["event_id"])  # noqa: E731
    assert ids(ViewState()) == [1, 3, 4]  # default 0.60: at or above it
    assert ids(ViewState(less_certain=True)) == [1, 2, 3, 4]
    assert ids(ViewState(min_confidence=0.95)) == [3]
    assert list(views.below_confidence(df, 0.6)) == [False, True, False, False]


def test_distance_bands_leave_out_region_events_unless_asked_and_precision_filters():
    df = _frame_with(precision=["place", "region", "place", "country"])
    ids = lambda s: list(views.filter_events(df, s)["event_id"])  # noqa: E731
    assert ids(ViewState(max_km=50)) == [1]  # Belgorod region at 40 km is no place 40 km away
    assert ids(ViewState(max_km=50, coarse_km=True)) == [1, 2]
    assert ids(ViewState(precision=("region", "country"))) == [2, 4]


def test_claimant_spellings_share_one_canonical_name_and_vague_ones_group():
    from geo.dashboard.claimants import claimed_not_verified

    names = ["Russian Ministry of Defence", "Russia's defence ministry", "Russian Defence Ministry", "officials"]
    df = views.prepare_events(_frame_with(claimed_by=names, verified=[False, True, None, None]))
    assert list(df["claimant"]) == ["Russian Ministry of Defence"] * 3 + ["Officials (unnamed)"]
    assert views.facets(df)["claims"] == ["Russian Ministry of Defence", "Officials (unnamed)"]
    assert claimed_not_verified(df) == 2  # one side's claims not confirmed; the vague one is nobody's side
