"""Lines drawn around a border: rings at fixed distances, and a GeoJSON line as (lat, lon) parts."""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

from .borders import lines_from_geojson


def border_rings(border: dict, distances_km=(25, 50, 100)) -> list[tuple[float, list[list[tuple[float, float]]]]]:
    """Lines at each distance from a border (both sides), as [(km, [[(lat, lon), ...], ...])].

    Buffers the border in an azimuthal equidistant projection centred on it (distortion
    is small over a few hundred km) and returns the buffer outlines.
    """
    def transform(fn, g):
        return shapely.transform(g, lambda xy: np.column_stack(fn(xy[:, 0], xy[:, 1])))

    geom = shapely.geometry.shape(border.get("geometry") if border.get("type") == "Feature" else border)
    c = geom.centroid
    to_m = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={c.y} +lon_0={c.x} +datum=WGS84 +units=m",
                                always_xy=True)
    to_deg = Transformer.from_crs(to_m.target_crs, "EPSG:4326", always_xy=True)
    projected = transform(to_m.transform, geom)
    out = []
    for km in distances_km:
        outline = transform(to_deg.transform, projected.buffer(km * 1000.0, quad_segs=8).boundary)
        outline = outline.simplify(0.005)
        parts = list(getattr(outline, "geoms", [outline]))
        lines = [[(round(y, 5), round(x, 5)) for x, y in p.coords] for p in parts if len(p.coords) >= 2]
        out.append((float(km), lines))
    return out


def line_latlon(geojson: dict) -> list[list[tuple[float, float]]]:
    """The parts of a GeoJSON (multi)line as lists of (lat, lon), as Leaflet draws them."""
    return [[(y, x) for x, y in part.coords] for part in lines_from_geojson(geojson).geoms]
