"""The view state's one table of filters (geo.dashboard.state.FIELDS)."""
from __future__ import annotations

import dataclasses
from datetime import date

from geo.dashboard.state import FIELDS, ViewState

FULL = ViewState(start=date(2024, 5, 1), end=date(2024, 5, 31), types=("strike", "diplomacy"), countries=("UA",),
                 pair=("UA", "BY"), side="b", max_km=50, line_max_km=25, claimed_by=("army, north", "ministry"),
                 verified="unverified", q="drone Belgorod", event=12, heat=True, rings=True,
                 coarse_km=True, precision=("place", "region"), min_confidence=0.75, less_certain=True,
                 viewport=(49.9935, 36.2304, 7))


def test_every_view_setting_has_one_field_in_url_order():
    assert [f.name for f in FIELDS] == [f.name for f in dataclasses.fields(ViewState)]
    assert len({f.url_key for f in FIELDS}) == len(FIELDS)


def test_every_field_round_trips_through_the_url():
    query = FULL.to_query()
    assert list(query) == [f.url_key for f in FIELDS]  # every setting differs from its default
    assert ViewState.from_query(query) == FULL
    assert ViewState().to_query() == {}


def test_empty_lists_count_as_no_filter_whatever_their_type():
    assert ViewState(types=[], claimed_by=[]).to_query() == {}  # type: ignore[arg-type]
    assert ViewState(event=0).to_query() == {"event": "0"}


def test_the_map_viewport_is_centre_and_zoom_in_the_url():
    assert ViewState(viewport=(50.0, 36.25, 7)).to_query() == {"map": "50.0000,36.2500,7"}
    assert ViewState.from_query({"map": "-33.8688,151.2093,11"}).viewport == (-33.8688, 151.2093, 11)
    for bad in ("50,36", "95.0,36.0,7", "50,190,7", "50,36,0", "50,36,25", "a,b,c", "50;36;7"):
        assert ViewState.from_query({"map": bad}).viewport is None, bad


def test_malformed_values_fall_back_to_their_defaults():
    bad = {"from": "May 1", "pair": "UA-UA", "side": "left", "km": "33", "verified": "maybe", "event": "x1"}
    assert ViewState.from_query(bad) == ViewState()


def test_confidence_threshold_defaults_to_060_and_round_trips():
    assert ViewState().min_confidence == 0.60 and "conf" not in ViewState().to_query()
    assert ViewState(min_confidence=0.0).to_query() == {"conf": "0.00"}
    assert ViewState.from_query({"conf": "0.8", "lc": "1"}) == ViewState(min_confidence=0.8, less_certain=True)
    for bad in ("1.5", "-0.1", "abc", "0.123"):
        assert ViewState.from_query({"conf": bad}).min_confidence == 0.60
