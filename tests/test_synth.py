"""Synthetic events for the benchmarks: realistic fields, deterministic, bulk-written to the store."""
from __future__ import annotations

import numpy as np

from geo.cli import main
from geo.model import EVENT_TYPES
from geo.store.store import EventStore
from geo.synth import SynthPlace, generate, sample_places, write_synthetic

PLACES = [SynthPlace("Kharkiv", 49.99, 36.23, "UA", "Kharkiv Oblast"), SynthPlace("Belgorod", 50.6, 36.6, "RU", None)]


def _dist(lats, lons):
    return np.full(len(lats), 33.3), np.array(["UA", "RU"] * (len(lats) // 2) + ["UA"] * (len(lats) % 2), dtype=object)


def test_generate_is_deterministic_and_realistic():
    a = generate(50, PLACES, seed=3, distances=_dist)
    b = generate(50, PLACES, seed=3, distances=_dist)
    assert [e.to_dict() for _, evs in a for e in evs] == [e.to_dict() for _, evs in b for e in evs]
    events = [e for _, evs in a for e in evs]
    assert len(events) == 50 and {e.event_type for e in events} <= set(EVENT_TYPES)
    for art, evs in a:
        for e in evs:
            assert art.text[e.evidence_start:e.evidence_end] == e.evidence and e.place in e.evidence
            assert e.date == art.published.isoformat() and e.border_distance_km == 33.3


def test_write_into_store_and_cli(tmp_path, gazetteer):
    places = sample_places(gazetteer, limit=200)
    assert len(places) > 100 and {p.country_code for p in places} == {"UA", "RU"}
    with EventStore(tmp_path / "a.db") as store:
        write_synthetic(store, 30, seed=1, gazetteer=gazetteer, distances=_dist)
        assert store.count_events() == 30 and len(store.events_frame()) == 30
    assert main(["synth", "25", "--db", str(tmp_path / "b.db"), "--seed", "2"]) == 0
    with EventStore(tmp_path / "b.db") as store:
        df = store.events_frame()
    assert len(df) == 25 and df["border_distance_km"].notna().all()
    assert df["date"].min() >= "2023-01-01" and df["date"].max() <= "2024-12-31"


def test_reextraction_leaves_synthetic_events_alone(tmp_path, gazetteer):
    from geo.pipeline import reextract

    with EventStore(tmp_path / "s.db") as store:
        write_synthetic(store, 12, seed=4, gazetteer=gazetteer, distances=_dist)
        before = store.events_frame()[["event_key", "lat", "lon"]].sort_values("event_key").reset_index(drop=True)
        assert reextract(store, everything=True) == 0 and reextract(store) == 0
        after = store.events_frame()[["event_key", "lat", "lon"]].sort_values("event_key").reset_index(drop=True)
    assert before.equals(after)
