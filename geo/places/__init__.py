"""Places: the offline GeoNames gazetteer, online geocoders and the layered geocoder that combines
them, all behind geopy's Geocoder/Location interfaces."""
from .gazetteer import AREA_FEATURES, POP_WEIGHT, Gazetteer, OfflineGeocoder, Place, prior
from .gazetteer_build import build_index
from .geocoding import LayeredGeocoder, make_layered_geocoder, place_from_location
from .names import normalize_name, region_keys
from .online import GeocodeCache, OnlineGeocoder, make_online_geocoder
from .visitor import for_visitor

__all__ = ["AREA_FEATURES", "POP_WEIGHT", "Gazetteer", "OfflineGeocoder", "Place", "prior", "build_index",
           "LayeredGeocoder",
           "make_layered_geocoder", "place_from_location", "normalize_name", "region_keys", "GeocodeCache",
           "OnlineGeocoder", "make_online_geocoder", "for_visitor"]
