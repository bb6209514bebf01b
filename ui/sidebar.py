"""The sidebar: filters (types, countries, border pair and side, distance, claims, verification,
search), map toggles and the reference-line upload. Call inside `with st.sidebar:`."""
from __future__ import annotations

import streamlit as st

from geo.dashboard import (
    DEFAULT_MIN_CONFIDENCE,
    DISTANCE_BANDS,
    PRECISIONS,
    VERIFIED,
    UploadError,
    line_limits,
    markdown_literal,
    parse_reference_line,
    type_label,
)

from . import keys
from .data import DEFAULT_PAIR_KEY, Line, Page, filter_choices, reference_line

PRECISION_LABELS = {"place": "A named place", "region": "A region's point", "country": "A country's point"}
CONFIDENCE_HELP = (f"Events the extractor is less sure of are hidden. The default {DEFAULT_MIN_CONFIDENCE:.2f} was"
                   " chosen on the real-dev evaluation set: events at or above it were right at least 85% of the"
                   " time (precision >= 0.85). Imported ACLED/GDELT rows carry their own coding and are always shown.")


def _band_label(km: int) -> str:
    return "Any distance" if km == 0 else f"Within {km} km"


def _keep_present(key: str, options) -> None:
    """Drop selections that are no longer offered (a URL's, or after new events)."""
    st.session_state[key] = [v for v in st.session_state.get(key, []) if v in options]


def render(page: Page) -> Line:
    """The sidebar's widgets; returns the uploaded reference line (empty without one)."""
    st.header("Filters")
    choices = filter_choices(str(page.db), page.version, page.n_session, page.events)
    _keep_present(keys.TYPES, choices["types"])
    st.multiselect("Event types", choices["types"], key=keys.TYPES, format_func=type_label,
                   placeholder="All types")
    _keep_present(keys.COUNTRIES, choices["countries"])
    st.multiselect("Country of the place", choices["countries"], key=keys.COUNTRIES, placeholder="All countries")
    pairs = page.pairs
    if st.session_state.get(keys.PAIR) not in pairs:
        st.session_state[keys.PAIR] = DEFAULT_PAIR_KEY
    st.selectbox("Border", list(pairs), key=keys.PAIR, format_func=pairs.get)
    names = pairs[st.session_state[keys.PAIR]].split(" – ")
    side_labels = {"any": "Either side", "a": f"In {names[0]}", "b": f"In {names[1]}", "other": "Elsewhere"}
    st.radio("Side of the border", list(side_labels), key=keys.SIDE, format_func=side_labels.get, horizontal=True)
    st.selectbox("Distance to the border", DISTANCE_BANDS, key=keys.MAX_KM, format_func=_band_label)
    st.checkbox("Count region- and country-level events in distance bands", key=keys.COARSE_KM,
                help="Off by default: the point of a region or a country says nothing about how far from the"
                     " border the event happened.")
    if st.session_state[keys.MAX_KM] and not st.session_state[keys.COARSE_KM]:
        st.markdown("Distance bands count events at a named place only (region- and country-level events are left"
                   " out).")
    st.multiselect("Place known as", PRECISIONS, key=keys.PRECISION, format_func=PRECISION_LABELS.get,
                   placeholder="Any precision")
    _keep_present(keys.CLAIMED_BY, choices["claims"])
    st.multiselect("Claimed by", choices["claims"], key=keys.CLAIMED_BY, placeholder="Anyone")
    st.radio("Verification", VERIFIED, key=keys.VERIFIED, horizontal=True, format_func=str.capitalize)
    st.text_input("Search the evidence, places, titles", key=keys.Q, placeholder="e.g. drone, Belgorod")
    st.number_input("Minimum confidence", 0.0, 1.0, step=0.05, format="%.2f", key=keys.MIN_CONFIDENCE,
                    help=CONFIDENCE_HELP)
    st.toggle("Show less certain events too", key=keys.LESS_CERTAIN,
              help="Events below the minimum confidence are drawn lighter on the map and marked in the table.")
    st.header("Map")
    st.toggle("Heatmap", key=keys.HEAT)
    st.toggle("Rings at 25 / 50 / 100 km", key=keys.RINGS)
    max_bytes, max_vertices = line_limits()
    line_file = st.file_uploader("Reference line (GeoJSON, e.g. a front line)", type=["geojson", "json"],
                                 key=keys.LINE_FILE,
                                 help=f"Up to {max_bytes // 1000:,} KB and {max_vertices:,} vertices.")
    geojson = None
    if line_file is not None:
        try:
            geojson = parse_reference_line(line_file.getvalue())
        except UploadError as exc:
            st.error(f"Cannot use that line: {markdown_literal(exc)}")
    line = reference_line(page, geojson)
    if line.geojson is not None:  # the band only makes sense with a line (a URL's "lkm" waits for one)
        st.selectbox("Distance to the reference line", DISTANCE_BANDS, key=keys.LINE_MAX_KM, format_func=_band_label)
    return line
