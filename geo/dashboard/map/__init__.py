"""The folium map: client-side clustering, per-type layers, legend, rings, offline assets.
folium and branca are imported here only."""
from .assets import asset_urls, install_static_assets, localize_map, remote_asset_urls
from .mapping import TYPE_COLOURS, TYPE_LABELS, atlas_payload, build_atlas_map, type_label

__all__ = ["asset_urls", "install_static_assets", "localize_map", "remote_asset_urls", "TYPE_COLOURS",
           "TYPE_LABELS", "atlas_payload", "build_atlas_map", "type_label"]
