"""Rings around a border and reference lines as Leaflet draws them."""
from __future__ import annotations

from geo.geometry.borders import distance_to_line_km
from geo.geometry.rings import border_rings, line_latlon


def test_border_rings_lie_at_their_distance():
    line = {"type": "LineString", "coordinates": [[30.0, 50.0], [34.0, 50.0]]}
    ((km, lines),) = border_rings(line, (50,))
    pts = [pt for ln in lines for pt in ln]
    assert km == 50 and len(pts) > 20
    dist = distance_to_line_km([p[0] for p in pts], [p[1] for p in pts], line)
    assert all(abs(d - 50) < 1.5 for d in dist), dist


def test_a_geojson_line_comes_back_as_lat_lon_parts():
    line = {"type": "MultiLineString", "coordinates": [[[30.0, 50.0], [34.0, 51.0]], [[35.0, 52.0], [36.0, 52.5]]]}
    assert line_latlon(line) == [[(50.0, 30.0), (51.0, 34.0)], [(52.0, 35.0), (52.5, 36.0)]]
