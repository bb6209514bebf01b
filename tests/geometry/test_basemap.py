"""The offline base layer: Natural Earth countries of the whole world, and place labels by zoom."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from shapely.geometry import Point, shape

import geo.dashboard.map
from geo.dashboard.map.mapping import build_atlas_map
from geo.geometry.basemap import land_geojson


def test_land_covers_the_region_and_is_small():
    land = land_geojson()
    by_code = {f["properties"]["code"]: shape(f["geometry"]) for f in land["features"]}
    assert by_code["UA"].contains(Point(30.52, 50.45))  # Kyiv
    assert by_code["RU"].contains(Point(36.6, 50.6))  # Belgorod
    assert not any(g.contains(Point(34.0, 43.5)) for g in by_code.values())  # the Black Sea
    assert by_code["PT"].contains(Point(-9.14, 38.72)) and by_code["JP"].contains(Point(139.69, 35.69))  # not clipped
    assert len(json.dumps(land)) < 1_500_000  # served once as a file (install_base_map), not inside each map


def test_place_labels_come_by_zoom_capitals_first():
    from geo.geometry.basemap import CAPITAL_ZOOM, place_labels

    labels = place_labels()
    zooms = [z for _, _, _, z in labels]
    assert zooms == sorted(zooms)  # most important first
    by_name = {name: z for _, _, name, z in labels}
    assert by_name["Kyiv"] == by_name["Moscow"] == by_name["Lisbon"] == CAPITAL_ZOOM
    assert by_name["Kharkiv"] < by_name["Sumy"] <= 8  # big cities before towns
    assert 1000 < len(labels) < 15000


def test_land_is_drawn_below_the_tiles():
    html = build_atlas_map(pd.DataFrame([{"lat": 50.0, "lon": 36.0}]), base_geojson=land_geojson()).get_root().render()
    assert "eventAtlasBaseLand(" in html and "/event-atlas/base-land.js" in html
    script = (Path(geo.dashboard.map.BASE_DIR) / "base-land.js").read_text(encoding="utf-8")
    assert 'createPane("eventAtlasLand")' in script and "pane.style.zIndex = 150" in script  # tilePane is 200


def test_cached_copy_is_reused(tmp_path):
    from geo.geometry.basemap import cached_land_geojson

    first = cached_land_geojson(tmp_path)
    (path,) = tmp_path.glob("land-*.json")
    assert cached_land_geojson(tmp_path) == first == land_geojson()
    path.write_text('{"type": "FeatureCollection", "features": []}')
    assert cached_land_geojson(tmp_path)["features"] == []  # read from the cache, not rebuilt
