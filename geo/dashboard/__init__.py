"""What the dashboard shows, without Streamlit: view state <-> URL, filters, cards, access
policy, and the folium map (`geo.dashboard.map`). Unit-tested without a browser."""
from .access import is_local_server, policy_from_secrets
from .views import DISTANCE_BANDS, ViewState

__all__ = ["is_local_server", "policy_from_secrets", "DISTANCE_BANDS", "ViewState"]
