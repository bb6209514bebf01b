"""Offline map assets: vendoring from XStatic packages and rewriting folium's CDN URLs."""
from __future__ import annotations

import logging
import os
import re

import folium
import folium.plugins
import pytest

from geo.dashboard.map.assets import LOCAL_ASSETS, asset_urls, install_static_assets, localize_map, remote_asset_urls

BASE = "/app/static/vendor"


@pytest.fixture(scope="module")
def vendor(tmp_path_factory):
    return install_static_assets(tmp_path_factory.mktemp("static"))


def _map_with_cluster() -> folium.Map:
    m = folium.Map(location=[50, 30], zoom_start=5)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    folium.CircleMarker([50, 30], radius=5).add_to(cluster)
    return m


def _url_to_path(vendor, url: str):
    assert url.startswith(BASE + "/"), url
    return vendor / url[len(BASE) + 1 :]


def test_install_creates_expected_files(vendor):
    assert vendor.name == "vendor"
    for rel in [
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet/images/marker-icon.png",
        "leaflet/images/marker-icon-2x.png",
        "leaflet/images/marker-shadow.png",
        "leaflet/images/layers.png",
        "leaflet/images/layers-2x.png",
        "leaflet.markercluster/leaflet.markercluster.js",
        "leaflet.markercluster/MarkerCluster.css",
        "leaflet.markercluster/MarkerCluster.Default.css",
        "leaflet.heat/templates/leaflet_heat.min.js",
        "jquery/jquery.min.js",
        "bootstrap/js/bootstrap.bundle.min.js",
        "bootstrap/css/bootstrap.min.css",
        "font-awesome/css/all.min.css",
        "font-awesome/webfonts/fa-solid-900.woff2",
    ]:
        assert (vendor / rel).is_file(), rel
    for rel in LOCAL_ASSETS.values():
        assert (vendor / rel).stat().st_size > 0, rel


def test_every_relative_css_url_resolves(vendor):
    for css in vendor.rglob("*.css"):
        for url in re.findall(r"""url\(\s*['"]?([^'")]+)""", css.read_text(encoding="utf-8")):
            if url.startswith(("data:", "#")):
                continue
            target = css.parent / url.split("?")[0].split("#")[0]
            assert target.is_file(), f"{css.name} references missing {url}"


def test_leaflet_default_icon_path_is_beside_leaflet_css(vendor):
    # Leaflet's L.Icon.Default reads this rule's background-image (resolved relative to
    # leaflet.css) and swaps the file name for marker-icon-2x.png / marker-shadow.png.
    css = (vendor / "leaflet/leaflet.css").read_text(encoding="utf-8")
    rule = re.search(r"\.leaflet-default-icon-path\s*\{[^}]*url\(([^)]+)\)", css)
    assert rule and rule.group(1).strip("'\"") == "images/marker-icon.png"
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert (vendor / "leaflet" / "images" / name).is_file()


def test_install_is_idempotent_and_repairs(tmp_path):
    vendor = install_static_assets(tmp_path)
    js = vendor / "leaflet/leaflet.js"
    os.utime(js, (1_000_000, 1_000_000))
    broken = vendor / "jquery/jquery.min.js"
    broken.write_text("truncated")
    assert install_static_assets(tmp_path) == vendor
    assert js.stat().st_mtime == 1_000_000  # same size: not copied again
    assert broken.stat().st_size > 1000  # wrong size: replaced
    assert not [p for p in vendor.rglob(".*") if p.is_file()]  # no temp files left


def test_localize_leaves_no_remote_assets(vendor):
    m = localize_map(_map_with_cluster())
    urls = asset_urls(m)
    assert remote_asset_urls(m) == []
    assert any(u.endswith("leaflet.markercluster.js") for u in urls)
    for url in urls:
        assert _url_to_path(vendor, url).is_file(), url


def test_localize_drops_awesome_markers_and_glyphicons():
    urls = " ".join(asset_urls(localize_map(folium.Map())))
    for gone in ("awesome-markers", "glyphicons", "awesome.rotate"):
        assert gone not in urls


def test_st_folium_loads_only_local_assets(vendor, monkeypatch):
    """Use streamlit_folium's own walk: capture what its component would be sent."""
    streamlit_folium = pytest.importorskip("streamlit_folium")
    sent = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    streamlit_folium.st_folium(localize_map(_map_with_cluster()), returned_objects=[])
    links = sent["js_links"] + sent["css_links"]
    assert links and all(link.startswith(BASE + "/") for link in links)
    assert all(_url_to_path(vendor, link).is_file() for link in links)
    assert f'L.Icon.Default.imagePath = "{BASE}/leaflet/images/"' in sent["script"]


def test_rendered_html_has_no_cdn_links():
    html = localize_map(_map_with_cluster()).get_root().render()
    tags = re.findall(r"<script[^>]*\bsrc=\"[^\"]*\"|<link[^>]*\bhref=\"[^\"]*\"", html)
    assert tags and not [t for t in tags if "http" in t or '"//' in t]


def test_icon_image_path_is_pinned_before_markers():
    m = _map_with_cluster()
    folium.Marker([50, 30]).add_to(m)  # default icon -> L.Icon.Default
    html = localize_map(localize_map(m)).get_root().render()
    assert html.count("L.Icon.Default.imagePath") == 1
    assert html.index(f'L.Icon.Default.imagePath = "{BASE}/leaflet/images/"') < html.index("L.marker(")


def test_custom_base_url():
    m = localize_map(folium.Map(), base_url="/myapp/app/static/vendor/")
    assert "/myapp/app/static/vendor/leaflet/leaflet.js" in asset_urls(m)


def test_folium_classes_are_not_mutated():
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    cluster_js = list(folium.plugins.MarkerCluster.default_js)
    localize_map(_map_with_cluster())
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css
    assert folium.plugins.MarkerCluster.default_js == cluster_js
    assert remote_asset_urls(folium.Map())  # a fresh map still uses the CDNs


def test_unvendored_assets_stay_and_are_reported(caplog):
    m = folium.Map()
    folium.Marker([0, 0], icon=folium.Icon(color="red")).add_to(m)  # needs awesome-markers
    folium.plugins.Fullscreen().add_to(m)  # a plugin we do not vendor
    with caplog.at_level(logging.WARNING, logger="geo.dashboard.map.assets"):
        localize_map(m)
    remote = " ".join(remote_asset_urls(m))
    assert "awesome-markers" in remote and "fullscreen" in remote.lower()
    assert "folium.Icon" in caplog.text and "fullscreen" in caplog.text.lower()


def test_heatmap_plugin_is_served_locally(vendor):
    m = folium.Map()
    folium.plugins.HeatMap([[50, 30, 1]]).add_to(m)
    localize_map(m)
    assert remote_asset_urls(m) == []
    (heat,) = [u for u in asset_urls(m) if "heat" in u]
    assert "L.heatLayer" in _url_to_path(vendor, heat).read_text(encoding="utf-8") or \
        "heatLayer" in _url_to_path(vendor, heat).read_text(encoding="utf-8")
