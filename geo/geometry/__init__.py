"""Geometry: geodesic distances, Natural Earth borders (naturalearth -> kernel -> borders), rings and
the offline base map. shapely, pyproj and pyshp are imported here only, and only when a border or
the base map is first needed."""
from .._lazy import lazy_exports

_EXPORTS = {
    "great_circle_km": "geodesy",
    "borders": "borders", "distance_to_border_km": "borders", "distance_to_line_km": "borders",
    "border_geojson": "borders", "country_at": "borders", "country_name": "borders", "neighbours": "borders",
    "lines_from_geojson": "borders",
    "rings": "rings", "border_rings": "rings", "line_latlon": "rings",
    "naturalearth": "naturalearth", "natural_earth_zip": "naturalearth",
    "basemap": "basemap", "cached_land_geojson": "basemap", "land_geojson": "basemap", "place_labels": "basemap",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
