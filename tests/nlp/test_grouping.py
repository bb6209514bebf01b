"""Cross-article grouping: same type, within 25 km and one day."""
from __future__ import annotations

import pandas as pd

from geo.nlp.grouping import group_frame, group_ids


def test_same_type_nearby_same_day_groups_across_articles():
    ids = group_ids(
        ["strike", "strike", "strike", "interception", "strike", "strike"],
        [50.0, 50.1, 50.0, 50.0, 52.0, 50.0],
        [36.2, 36.3, 36.2, 36.2, 36.2, 36.2],
        ["2024-05-14", "2024-05-13", "2024-05-17", "2024-05-14", "2024-05-14", None],
    )
    assert ids[0] == ids[1]               # ~13 km, one day apart
    assert len(set(ids[[0, 2, 3, 4, 5]])) == 5  # 3 days later / other type / 220 km / no date


def test_boundary_25_km():
    # 0.2245° of latitude ≈ 24.96 km; 0.2255° ≈ 25.07 km
    assert len(set(group_ids(["strike"] * 2, [50.0, 50.2245], [30.0, 30.0], ["2024-01-01"] * 2))) == 1
    assert len(set(group_ids(["strike"] * 2, [50.0, 50.2255], [30.0, 30.0], ["2024-01-01"] * 2))) == 2


def test_group_frame_lists_sources():
    df = pd.DataFrame({"article_id": ["a", "b", "c"], "event_type": ["strike"] * 3,
                       "lat": [50.0, 50.01, None], "lon": [36.2, 36.2, None],
                       "date": ["2024-05-14", "2024-05-14", "2024-05-14"]})
    g = group_frame(df)
    assert g["group_sources"][0] == ["a", "b"] and g["group_sources"][2] == ["c"]


def test_neighbours_in_the_next_row_or_across_the_antimeridian_are_found():
    # 22 km apart on one meridian, where cell rows have different column widths; and 7 km
    # apart across ±180°.
    for lat, lon in ((60.0, 100.0), (60.0, -120.0), (45.0, 140.0), (30.0, 170.0)):
        assert len(set(group_ids(["strike"] * 2, [lat, lat + 0.198], [lon, lon], ["2024-01-01"] * 2))) == 1, (lat, lon)
    assert len(set(group_ids(["strike"] * 2, [10.0, 10.0], [179.97, -179.97], ["2024-01-01"] * 2))) == 1
