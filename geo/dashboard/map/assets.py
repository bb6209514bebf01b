"""Serve folium's JavaScript/CSS from the app's own ``static/`` folder, so maps work offline.

folium (and streamlit_folium, which collects every element's ``default_js`` /
``default_css``) would otherwise load Leaflet, jQuery, Bootstrap, Font Awesome and
plugins from public CDNs. Here:

* :func:`install_static_assets` copies the files out of the installed XStatic
  packages into ``static/vendor/<lib>/`` (generated, git-ignored);
* :func:`localize_map` rewrites one map's asset lists to point at
  ``/app/static/vendor/...`` (Streamlit's ``enableStaticServing`` URL);
* :func:`asset_urls` lists what a map would still load, for tests and checks.

Layout (URL = ``base_url`` + path below)::

    leaflet/leaflet.js, leaflet/leaflet.css, leaflet/images/*.png
    leaflet.markercluster/leaflet.markercluster.js, MarkerCluster.css, MarkerCluster.Default.css
    jquery/jquery.min.js
    bootstrap/js/bootstrap.bundle.min.js, bootstrap/css/bootstrap.min.css   (4.5.3; folium asks 5.2.2)
    font-awesome/css/all.min.css, font-awesome/webfonts/*
    leaflet.heat/templates/leaflet_heat.min.js   (Leaflet.heat, from the folium package itself)
    event-atlas/atlas-layer.js, legend.js, fullscreen.js, base-land.js, atlas.css
                                                 (the map's own controls, geo/dashboard/map/static/)
"""
from __future__ import annotations

import importlib
import logging
import os
import re
from pathlib import Path

import branca.colormap
import folium
import folium.elements
import folium.plugins
from branca.element import MacroElement
from folium.template import Template

from ..._files import atomic_copy, atomic_write_text

log = logging.getLogger(__name__)

# vendor sub-directory -> (XStatic module, files or globs relative to its BASE_DIR).
# Relative url(...) references inside copied CSS files are copied too (see _css_refs).
_LIBS: dict[str, tuple[str, tuple[str, ...]]] = {
    # images/ must stay beside leaflet.css: Leaflet derives the default marker icon
    # path (marker-icon-2x.png, marker-shadow.png are only referenced from JS) from it.
    "leaflet": ("xstatic.pkg.leaflet", ("leaflet.js", "leaflet.css", "images/*.png")),
    "leaflet.markercluster": (
        "xstatic.pkg.leaflet_markercluster",
        ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"),
    ),
    "jquery": ("xstatic.pkg.jquery", ("jquery.min.js",)),
    "bootstrap": ("xstatic.pkg.bootstrap", ("js/bootstrap.bundle.min.js", "css/bootstrap.min.css")),
    "font-awesome": ("xstatic.pkg.font_awesome", ("css/all.min.css",)),  # webfonts via its url()s
    # Leaflet.heat: folium ships its own copy of the minified plugin inside the package.
    "leaflet.heat": ("folium", ("templates/leaflet_heat.min.js",)),
    # The map's own scripts and styles (geo/dashboard/map/static/, BASE_DIR in its __init__).
    "event-atlas": ("geo.dashboard.map", ("*.js", "*.css")),
}

# folium asset name (first item of a default_js/default_css pair) -> path under vendor/.
# Keyed by name, not URL, because folium bumps CDN versions in URLs between releases.
LOCAL_ASSETS: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "jquery": "jquery/jquery.min.js",  # folium.Popup builds its content with $(`...`)
    "bootstrap": "bootstrap/js/bootstrap.bundle.min.js",
    "bootstrap_css": "bootstrap/css/bootstrap.min.css",
    "awesome_markers_font_css": "font-awesome/css/all.min.css",
    "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
    "leaflet-heat.js": "leaflet.heat/templates/leaflet_heat.min.js",  # folium.plugins.HeatMap
    "event_atlas_layer": "event-atlas/atlas-layer.js",  # mapping's elements
    "event_atlas_css": "event-atlas/atlas.css",
    "event_atlas_legend": "event-atlas/legend.js",
    "event_atlas_fullscreen": "event-atlas/fullscreen.js",
    "event_atlas_base_land": "event-atlas/base-land.js",
}

# Assets with no packaged copy that only folium.Icon (Leaflet.awesome-markers, with
# Bootstrap 3 glyphicons and a rotation helper) uses. Event Atlas draws CircleMarkers
# and DivIcons instead, so these are dropped -- unless the map really has a folium.Icon,
# in which case they are kept (remote) and a warning is logged.
DROPPABLE = frozenset({"awesome_markers", "awesome_markers_css", "glyphicons_css", "awesome_rotate_css"})

_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def install_static_assets(static_dir: str | os.PathLike) -> Path:
    """Copy the vendored JS/CSS/fonts/images into ``static_dir/vendor`` and return that path.

    Idempotent and cheap to call on every Streamlit run: a file already present with
    the same size is skipped. Files are written to a temp name then renamed, so a
    concurrent run never serves a half-written file.
    """
    vendor = Path(static_dir) / "vendor"
    for lib, (module, patterns) in _LIBS.items():
        mod = importlib.import_module(module)
        src_root = Path(getattr(mod, "BASE_DIR", None) or Path(mod.__file__).parent)
        for rel in _expand(src_root, patterns):
            _copy_if_changed(src_root / rel, vendor / lib / rel)
    return vendor


def _expand(src_root: Path, patterns: tuple[str, ...]) -> list[str]:
    """Relative paths for `patterns`, plus local files referenced by url() in CSS files."""
    found: list[str] = []
    for pattern in patterns:
        matches = sorted(src_root.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"{pattern!r} not found in {src_root}")
        found += [m.relative_to(src_root).as_posix() for m in matches]
    for rel in [f for f in found if f.endswith(".css")]:
        found += _css_refs(src_root, rel)
    return list(dict.fromkeys(found))


def _css_refs(src_root: Path, css_rel: str) -> list[str]:
    """Files a stylesheet loads relative to itself (fonts, images); data: URIs skipped."""
    css_dir = (src_root / css_rel).parent
    refs = []
    for _, url in _URL_RE.findall((src_root / css_rel).read_text(encoding="utf-8")):
        url = url.split("#")[0].split("?")[0]
        if not url or ":" in url or url.startswith("/"):
            continue  # data:, absolute, or fragment-only (IE behaviour urls)
        target = (css_dir / url).resolve()
        if target.is_file() and target.is_relative_to(src_root.resolve()):
            refs.append(target.relative_to(src_root.resolve()).as_posix())
    return refs


def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return
    atomic_copy(src, dst)


class _IconImagePath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` explicitly (see localize_map for why)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.path|tojson }};
        {% endmacro %}"""
    )

    def __init__(self, path: str):
        super().__init__()
        self._name = "IconImagePath"
        self.path = path


def localize_map(m: folium.Map, base_url: str = "/app/static/vendor") -> folium.Map:
    """Point every JS/CSS asset of `m` (and all its descendants) at local copies; return `m`.

    Call it last, after every layer/plugin has been added. Only instance attributes are
    set, so folium's classes (and other maps) keep their CDN defaults. Known assets are
    rewritten to ``base_url + LOCAL_ASSETS[name]``; :data:`DROPPABLE` ones are removed
    unless a ``folium.Icon`` needs them; unknown remote assets are left alone and logged
    (check with :func:`asset_urls`). Also pins ``L.Icon.Default.imagePath``: Leaflet
    detects it from the *computed style* of leaflet.css, but streamlit_folium adds CSS
    links without waiting for them to load, and Leaflet's fallback (the <link> href)
    drops the ``images/`` directory, which would break default marker icons.
    """
    base_url = base_url.rstrip("/")
    elements = list(_walk(m))
    needs_icons = any(isinstance(e, folium.Icon) for e in _descendants(m))
    for elem in elements:
        for attr in ("default_js", "default_css"):
            if hasattr(elem, attr):
                setattr(elem, attr, _localized(getattr(elem, attr), base_url, needs_icons))
    if needs_icons:
        log.warning("map uses folium.Icon: awesome-markers assets are not vendored and stay remote")
    for elem in elements:
        if isinstance(elem, branca.colormap.ColorMap):
            log.warning("branca ColorMap makes streamlit_folium load d3 from a CDN")
    image_path = f"{base_url}/leaflet/images/"  # beside leaflet.css, see _LIBS
    for fmap in (e for e in elements if isinstance(e, folium.Map)):
        if not any(isinstance(c, _IconImagePath) for c in fmap._children.values()):
            pin = _IconImagePath(image_path)
            fmap.add_child(pin)
            fmap._children.move_to_end(pin.get_name(), last=False)  # before any marker exists
    return m


def _localized(pairs, base_url: str, keep_droppable: bool) -> list[tuple[str, str]]:
    out = []
    for name, url in pairs:
        if name in LOCAL_ASSETS:
            out.append((name, f"{base_url}/{LOCAL_ASSETS[name]}"))
        elif name in DROPPABLE and not keep_droppable:
            continue
        else:
            if _is_remote(url) and name not in DROPPABLE:
                log.warning("no local copy of %s (%s); it stays remote", name, url)
            out.append((name, url))
    return out


def asset_urls(m) -> list[str]:
    """Every JS and CSS URL streamlit_folium would load for `m`, deduplicated, in order.

    Mirrors streamlit_folium.st_folium's walk, including the d3 scripts it injects
    for branca colormaps.
    """
    urls: list[str] = []
    for elem in _walk(m):
        if isinstance(elem, branca.colormap.ColorMap):
            urls += ["https://d3js.org/d3.v4.min.js", "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"]
        urls += [href for _, href in getattr(elem, "default_css", [])]
        urls += [src for _, src in getattr(elem, "default_js", [])]
    return list(dict.fromkeys(urls))


def remote_asset_urls(m) -> list[str]:
    """The subset of :func:`asset_urls` that needs the internet (http, https, //host)."""
    return [u for u in asset_urls(m) if _is_remote(u)]


def _is_remote(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "//"))


def _descendants(elem):
    """`elem` and every element below it (DualMap's two maps included)."""
    yield elem
    if isinstance(elem, folium.plugins.DualMap):
        yield from _descendants(elem.m1)
        yield from _descendants(elem.m2)
    for child in getattr(elem, "_children", {}).values():
        yield from _descendants(child)


def _walk(elem):
    """The elements streamlit_folium collects assets from (JSCSSMixin, colormaps)."""
    for e in _descendants(elem):
        if isinstance(e, (branca.colormap.ColorMap, folium.elements.JSCSSMixin)) or hasattr(e, "default_js"):
            yield e


#: Where install_base_map writes the offline base map, under static/vendor/ (its URL below base_url).
BASE_MAP_FILE = "event-atlas/basemap.json"


def install_base_map(static_dir: str | os.PathLike, land: dict, places: list,
                     base_url: str = "/app/static/vendor") -> str:
    """Write the offline base map ({"land": country polygons, "places": labels}) beside the other
    assets and return its URL: the map's script fetches it once (the browser caches it) instead
    of carrying ~1 MB of outlines inside every map. Rewritten only when its content changed."""
    import json

    path = Path(static_dir) / "vendor" / BASE_MAP_FILE
    text = json.dumps({"land": land, "places": [[la, lo, name, z] for la, lo, name, z in places]},
                      separators=(",", ":"))
    if not path.is_file() or path.stat().st_size != len(text.encode("utf-8")):
        atomic_write_text(path, text)
    return f"{base_url.rstrip('/')}/{BASE_MAP_FILE}"
