"""What the dashboard shows, without Streamlit: view state <-> URL (`state`), filtering, playback
and session frames (`views`), the event card and popup HTML (`cards`), the access policy
(`access`), and the folium map (`geo.dashboard.map`). Unit-tested without a browser."""
from .access import is_local_server, policy_from_secrets
from .cards import TYPE_COLOURS, TYPE_LABELS, event_card_html, event_popup_html, type_label
from .state import DEFAULT_PAIR, DISTANCE_BANDS, FIELD, FIELDS, VERIFIED, WINDOW_MODES, ViewState

__all__ = ["is_local_server", "policy_from_secrets", "TYPE_COLOURS", "TYPE_LABELS", "event_card_html",
           "event_popup_html", "type_label", "DEFAULT_PAIR", "DISTANCE_BANDS", "FIELD", "FIELDS", "VERIFIED",
           "WINDOW_MODES", "ViewState"]
