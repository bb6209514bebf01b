"""Tests for geo.borders: exact geodesic distance to land borders and to user lines."""
from __future__ import annotations

import json
import math

import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from geo.errors import BorderError, EventAtlasError
from geo.geometry import borders

GEOD = pyproj.Geod(ellps="WGS84")
HYPO = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KHARKIV = (49.98177, 36.25475)  # GeoNames cities500 coordinates, as the pipeline uses
BELGOROD = (50.60343, 36.58091)
KOTLUBAN = (49.0167, 44.2333)
VOVCHANSK = (50.2908, 36.9411)
SEVASTOPOL = (44.6, 33.52)


def reference_km(lats, lons, lines) -> np.ndarray:
    """The definition of exact: AEQD centred on each point, planar distance to the projected line."""
    out = []
    for lat, lon in zip(np.atleast_1d(lats), np.atleast_1d(lons)):
        proj = pyproj.Proj(proj="aeqd", lat_0=lat, lon_0=lon, ellps="WGS84")
        projected = shapely.transform(lines, lambda xy: np.column_stack(proj(xy[:, 0], xy[:, 1])))
        out.append(shapely.distance(shapely.Point(0, 0), projected) / 1000.0)
    return np.array(out)


@pytest.fixture(scope="module")
def ua_ru_lines():
    return shapely.geometry.shape(borders.border_geojson("UA", "RU"))


@pytest.fixture(scope="module")
def ua_ru_vertices(ua_ru_lines):
    return shapely.get_coordinates(ua_ru_lines)


# --------------------------------------------------------------------------- known values


@pytest.mark.parametrize(
    ("point", "km"),
    [
        # Known values on NE 10m "deu" 5.1.1 at the GeoNames coordinates the pipeline geocodes to
        # (other published coordinates of the city centres give up to ~1 km less).
        (KHARKIV, 32.6),
        (BELGOROD, 35.4),
        (KOTLUBAN, 299.08),
        (VOVCHANSK, 5.50),
    ],
    ids=["Kharkiv", "Belgorod", "Kotluban", "Vovchansk"],
)
def test_known_values(point, km, ua_ru_lines):
    got = borders.distance_to_border_km(*point)
    assert got.shape == (1,)
    assert got[0] == pytest.approx(km, abs=0.3)
    assert got[0] == pytest.approx(reference_km(*point, ua_ru_lines)[0], abs=1e-6)


@pytest.mark.parametrize(
    "point",
    [(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0), (0.0, -180.0), (-50.0, -144.0), (-49.0, -143.0),
     (10.0, 36.0), (70.0, 100.0), (50.3, 36.0)],
    ids=["north-pole", "south-pole", "antimeridian", "antimeridian-west", "antipode", "near-antipode",
         "Africa", "Siberia", "near"],
)
def test_matches_reference_everywhere(point, ua_ru_lines):
    got = borders.distance_to_border_km(*point, "UA", "RU")
    assert got[0] == pytest.approx(reference_km(*point, ua_ru_lines)[0], abs=1e-6)


def test_vectorised_matches_reference(ua_ru_vertices, ua_ru_lines):
    rng = np.random.default_rng(7)
    pick = ua_ru_vertices[rng.integers(0, len(ua_ru_vertices), 60)]
    lon, lat, _ = GEOD.fwd(pick[:, 0], pick[:, 1], rng.uniform(0, 360, 60), rng.uniform(0, 2_000_000, 60))
    got = borders.distance_to_border_km(lat, lon)
    np.testing.assert_allclose(got, reference_km(lat, lon, ua_ru_lines), rtol=0, atol=1e-6)


# --------------------------------------------------------------------------- input handling


def test_returns_float_array_of_input_shape():
    assert borders.distance_to_border_km(50.0, 36.0).dtype == np.float64
    assert borders.distance_to_border_km([50.0, 49.0], [36.0, 37.0]).shape == (2,)
    grid = borders.distance_to_border_km(np.full((2, 3), 50.0), np.full((2, 3), 36.0))
    assert grid.shape == (2, 3)


@pytest.mark.parametrize("empty", [[], np.array([]), np.empty(0, dtype=np.float32)])
def test_empty_input_gives_empty_output(empty):
    out = borders.distance_to_border_km(empty, empty)
    assert out.shape == (0,) and out.dtype == np.float64
    assert borders.country_at(empty, empty).shape == (0,)


@pytest.mark.parametrize(
    ("lats", "lons", "nan_at"),
    [
        ([math.nan], [36.0], [0]),
        ([50.0], [math.nan], [0]),
        ([KHARKIV[0], math.nan, BELGOROD[0]], [KHARKIV[1], 36.0, BELGOROD[1]], [1]),
    ],
)
def test_nan_gives_nan_and_leaves_others(lats, lons, nan_at):
    out = borders.distance_to_border_km(lats, lons)
    assert np.isnan(out[nan_at]).all()
    assert np.isfinite(np.delete(out, nan_at)).all()


@pytest.mark.parametrize(
    ("lats", "lons", "quoted"),
    [
        ([91.0], [30.0], "91.0"),
        ([50.0, -90.5], [30.0, 30.0], "-90.5"),
        ([50.0], [180.5], "180.5"),
        ([50.0], [-200.0], "-200.0"),
        ([math.inf], [30.0], "inf"),
        ([50.0], [-math.inf], "-inf"),
    ],
)
@pytest.mark.parametrize("func", [borders.distance_to_border_km, borders.country_at])
def test_out_of_range_coordinates_raise(func, lats, lons, quoted):
    with pytest.raises(BorderError, match=quoted):
        func(lats, lons)


@pytest.mark.parametrize(
    ("lats", "lons"),
    [(["north"], [30.0]), ([50.0, 51.0], [30.0]), ({"lat": 1}, [30.0]), ([1 + 2j], [30.0])],
)
def test_malformed_coordinates_raise(lats, lons):
    with pytest.raises(BorderError):
        borders.distance_to_border_km(lats, lons)


def test_border_error_is_a_value_error():
    assert issubclass(BorderError, ValueError) and issubclass(BorderError, EventAtlasError)


@pytest.mark.parametrize("code", ["XX", "UKR", "", "-99", "uk"])
def test_unknown_code_is_named(code):
    with pytest.raises(BorderError, match=repr(code)):
        borders.distance_to_border_km(50.0, 36.0, "UA", code)
    with pytest.raises(BorderError, match=repr(code)):
        borders.neighbours(code)


@pytest.mark.parametrize("code", [None, 804, ("UA",)])
def test_non_string_code_raises(code):
    with pytest.raises(BorderError, match="alpha-2"):
        borders.distance_to_border_km(50.0, 36.0, code, "RU")


@pytest.mark.parametrize(("a", "b"), [("UA", "FR"), ("FR", "UA"), ("UA", "UA"), ("BW", "ZM")])
def test_no_shared_border_names_the_pair(a, b):
    with pytest.raises(BorderError, match=f"{a} and {b} share no land border"):
        borders.distance_to_border_km(50.0, 36.0, a, b)


def test_codes_are_case_insensitive():
    assert borders.distance_to_border_km(*KHARKIV, "ua", " ru ")[0] == borders.distance_to_border_km(*KHARKIV)[0]


# --------------------------------------------------------------------------- properties

border_pairs = st.sampled_from([("UA", "RU"), ("PL", "BY"), ("FR", "ES"), ("US", "CA")])


@HYPO
@given(pair=border_pairs, pick_part=st.floats(0, 1), pick=st.floats(0, 1), t=st.floats(0, 1))
def test_distance_is_zero_on_the_border(pair, pick_part, pick, t):
    parts = shapely.get_parts(shapely.geometry.shape(borders.border_geojson(*pair)))
    xy = shapely.get_coordinates(parts[min(int(pick_part * len(parts)), len(parts) - 1)])
    i = min(int(pick * (len(xy) - 1)), len(xy) - 2)
    lon, lat = xy[i] + t * (xy[i + 1] - xy[i])  # a vertex (t = 0) or a point along a segment
    assert borders.distance_to_border_km(lat, lon, *pair)[0] <= 0.01


@HYPO
@given(pair=border_pairs, lat=st.floats(-89, 89), lon=st.floats(-180, 180))
def test_symmetric_in_a_and_b(pair, lat, lon):
    a, b = pair
    assert borders.distance_to_border_km(lat, lon, a, b)[0] == borders.distance_to_border_km(lat, lon, b, a)[0]


@HYPO
@given(lat=st.floats(35, 65), lon=st.floats(15, 60))
def test_never_farther_than_the_nearest_vertex(lat, lon, ua_ru_vertices):
    n = len(ua_ru_vertices)
    _, _, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), ua_ru_vertices[:, 0], ua_ru_vertices[:, 1])
    got = borders.distance_to_border_km(lat, lon)[0]
    assert 0 <= got <= dist.min() / 1000 + 1e-6
    # Segments are <= 25 km, so the nearest vertex is never much farther than the segment.
    assert got >= dist.min() / 1000 - 12.5


@HYPO
@given(lat=st.floats(40, 60), lon=st.floats(25, 50))
def test_equals_reference(lat, lon, ua_ru_lines):
    assert borders.distance_to_border_km(lat, lon)[0] == pytest.approx(reference_km(lat, lon, ua_ru_lines)[0], abs=1e-6)


# --------------------------------------------------------------------------- country_at


def test_country_at():
    lats = [KHARKIV[0], BELGOROD[0], SEVASTOPOL[0], 43.0, math.nan, 48.8566]
    lons = [KHARKIV[1], BELGOROD[1], SEVASTOPOL[1], 34.0, 30.0, 2.3522]
    got = borders.country_at(lats, lons)
    assert got.dtype == object
    assert got.tolist() == ["UA", "RU", "UA", "", "", "FR"]


def test_country_at_scalar_and_shape():
    assert borders.country_at(*KHARKIV).tolist() == ["UA"]
    assert borders.country_at(np.full((2, 2), 50.0), np.full((2, 2), 36.0)).shape == (2, 2)


# --------------------------------------------------------------------------- metadata


def test_border_geojson_is_lon_lat_multilinestring():
    geo = borders.border_geojson("UA", "RU")
    assert geo["type"] == "MultiLineString"
    json.dumps(geo)  # plain lists and floats, ready for folium
    xy = np.array([pt for line in geo["coordinates"] for pt in line])
    assert xy.shape[1] == 2
    assert (xy[:, 0] > 30).all() and (xy[:, 0] < 41).all()  # longitudes
    assert (xy[:, 1] > 46).all() and (xy[:, 1] < 53).all()  # latitudes
    assert borders.border_geojson("RU", "UA") == geo


def test_border_geojson_is_a_fresh_dict():
    geo = borders.border_geojson("UA", "RU")
    geo["coordinates"].clear()
    assert borders.border_geojson("UA", "RU")["coordinates"]


def test_codes_names_neighbours():
    codes = borders.country_codes()
    assert codes == sorted(codes)
    assert {"UA", "RU", "FR", "NO", "XK"} <= set(codes) and "-99" not in codes
    assert borders.country_name("UA") == "Ukraine"
    assert borders.country_name("fr") == "France"
    assert borders.neighbours("UA") == ["BY", "HU", "MD", "PL", "RO", "RU", "SK"]
    assert "UA" in borders.neighbours("RU")
    assert borders.neighbours("IS") == []
    with pytest.raises(BorderError, match="'ZZ'"):
        borders.country_name("ZZ")


def test_every_neighbour_pair_has_a_border():
    for code in ("UA", "DE", "CN"):
        for other in borders.neighbours(code):
            assert borders.border_geojson(code, other)["coordinates"]


# --------------------------------------------------------------------------- cache


# --------------------------------------------------------------------------- distance_to_line_km

LINE = {"type": "LineString", "coordinates": [[30.0, 50.0], [30.0, 50.5], [30.5, 51.0]]}
SQUARE = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 51.0], [30.0, 50.0]]]}


def test_line_distance_matches_reference():
    lats, lons = [50.25, 50.0, 51.0, 49.0, 52.0], [30.1, 30.0, 30.2, 29.0, 31.0]
    got = borders.distance_to_line_km(lats, lons, LINE)
    np.testing.assert_allclose(got, reference_km(lats, lons, shapely.geometry.shape(LINE)), atol=1e-6)
    assert got[1] == pytest.approx(0.0, abs=1e-9)  # a vertex
    # 0.1 degree of longitude at 50.25 N, from a meridian: ~7.1 km
    assert got[0] == pytest.approx(GEOD.inv(30.0, 50.25, 30.1, 50.25)[2] / 1000, abs=0.01)


def test_polygon_uses_its_outline():
    lats, lons = [50.5, 50.5, 52.0], [30.5, 30.0, 30.5]
    got = borders.distance_to_line_km(lats, lons, SQUARE)
    outline = shapely.geometry.shape(SQUARE).boundary
    np.testing.assert_allclose(got, reference_km(lats, lons, outline), atol=1e-6)
    assert got[0] > 30  # the centre is ~35 km from the nearest edge, not 0
    assert got[1] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda g: g,
        lambda g: {"type": "Feature", "properties": {}, "geometry": g},
        lambda g: {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": g}]},
        lambda g: {"type": "GeometryCollection", "geometries": [g]},
        json.dumps,
    ],
    ids=["geometry", "feature", "collection", "geometry-collection", "json-text"],
)
def test_geojson_wrappers_agree(wrap):
    got = borders.distance_to_line_km([50.25, 51.0], [30.1, 29.0], wrap(LINE))
    np.testing.assert_allclose(got, borders.distance_to_line_km([50.25, 51.0], [30.1, 29.0], LINE))


def test_multi_geometries_take_the_nearest_part():
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"],
                                                     [[[40, 50], [41, 50], [41, 51], [40, 50]]]]}
    near_second = borders.distance_to_line_km(50.5, 41.5, multi)[0]
    assert near_second == pytest.approx(borders.distance_to_line_km(50.5, 41.5, {
        "type": "Polygon", "coordinates": [[[40, 50], [41, 50], [41, 51], [40, 50]]]})[0])


@pytest.mark.parametrize(
    ("geojson", "match"),
    [
        (42, "GeoJSON object"),
        ("{not json", "invalid GeoJSON text"),
        ({"coordinates": [[0, 0], [1, 1]]}, "unsupported GeoJSON type None"),
        ({"type": "Point", "coordinates": [30, 50]}, "'Point'"),
        ({"type": "LineString", "coordinates": [[30, 50]]}, "LineString"),
        ({"type": "LineString", "coordinates": "abc"}, "LineString"),
        ({"type": "LineString", "coordinates": [[200, 50], [30, 50]]}, r"\[200.0, 50.0\]"),
        pytest.param({"type": "LineString", "coordinates": [[30, 50], [math.nan, 50]]}, r"\[nan, 50.0\]",
                     marks=pytest.mark.filterwarnings("ignore::RuntimeWarning")),
        ({"type": "LineString", "coordinates": [[30, 50], [30, 50]]}, "no line"),
        ({"type": "FeatureCollection", "features": []}, "no line"),
        ({"type": "FeatureCollection", "features": "x"}, "must be a list"),
        ({"type": "Feature", "geometry": None}, "no line"),
        ({"type": "Feature", "geometry": {"type": "Circle"}}, "'Circle'"),
    ],
)
def test_invalid_geojson_raises(geojson, match):
    with pytest.raises(BorderError, match=match):
        borders.distance_to_line_km(50.0, 30.0, geojson)


@HYPO
@given(
    lon=st.floats(-170, 170), lat=st.floats(-80, 80),
    dlon=st.floats(-3, 3), dlat=st.floats(-3, 3),
    az=st.floats(0, 360), km=st.floats(0, 2000),
)
def test_any_line_equals_reference(lon, lat, dlon, dlat, az, km):
    assume(abs(dlon) + abs(dlat) > 1e-6)  # a zero-length line is rejected by design (tested below)
    line = {"type": "LineString", "coordinates": [[lon, lat], [lon + dlon, lat + dlat], [lon + dlon, lat]]}
    plon, plat, _ = GEOD.fwd(lon, lat, az, km * 1000)
    got = borders.distance_to_line_km(plat, plon, line)[0]
    assert got == pytest.approx(reference_km(plat, plon, shapely.geometry.shape(line))[0], abs=1e-6)


def test_line_distance_validates_points():
    with pytest.raises(BorderError, match="95.0"):
        borders.distance_to_line_km([95.0], [30.0], LINE)
    assert np.isnan(borders.distance_to_line_km([math.nan], [30.0], LINE)).all()
