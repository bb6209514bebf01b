"""What the dashboard shows, without Streamlit: view state <-> URL (`state`), filtering, playback
and session frames (`views`), the event card and popup HTML (`cards`), the access policy
(`access`), and the folium map (`geo.dashboard.map`). Unit-tested without a browser."""
from .access import PasswordGuard, is_local_server, on_community_cloud, policy_from_secrets
from .cards import TYPE_COLOURS, TYPE_LABELS, event_card_html, event_popup_html, quantities_text, type_label
from .claimants import CLAIMANTS, canonical_claimant, claimed_not_verified
from .limits import ByteLRU, TextLimits, UploadError, admit, line_limits, parse_reference_line, text_limits
from .state import (
    DEFAULT_MIN_CONFIDENCE,
    DEFAULT_PAIR,
    DISTANCE_BANDS,
    FIELD,
    FIELDS,
    PRECISIONS,
    VERIFIED,
    WINDOW_MODES,
    ViewState,
)
from .views import markdown_literal

__all__ = ["PasswordGuard", "is_local_server", "on_community_cloud", "policy_from_secrets",
           "ByteLRU", "TextLimits", "UploadError", "admit", "line_limits", "parse_reference_line", "text_limits",
           "markdown_literal", "TYPE_COLOURS", "TYPE_LABELS", "event_card_html",
           "event_popup_html", "type_label", "DEFAULT_PAIR", "DISTANCE_BANDS", "FIELD", "FIELDS", "VERIFIED",
           "WINDOW_MODES", "ViewState", "DEFAULT_MIN_CONFIDENCE", "PRECISIONS",
           "CLAIMANTS", "canonical_claimant", "claimed_not_verified", "quantities_text"]
