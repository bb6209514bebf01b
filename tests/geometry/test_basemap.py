"""The offline base layer: Natural Earth countries around Ukraine, small enough to send."""
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
    assert len(json.dumps(land)) < 600_000


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
