"""The folium map: client-side clustering, per-type layers, legend, rings, offline assets.
folium and branca are imported here only."""
from pathlib import Path

from .assets import asset_urls, install_base_map, install_static_assets, localize_map, remote_asset_urls
from .mapping import MIN_FIT_SPAN, atlas_payload, build_atlas_map, view_command

#: The map's own JavaScript and CSS, copied to static/vendor/event-atlas/ like the XStatic
#: packages' files (which name their folder BASE_DIR too).
BASE_DIR = str(Path(__file__).resolve().parent / "static")

__all__ = ["BASE_DIR", "asset_urls", "install_base_map", "install_static_assets", "localize_map", "remote_asset_urls",
           "atlas_payload", "build_atlas_map", "view_command", "MIN_FIT_SPAN"]
