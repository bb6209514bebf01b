"""Every widget and session-state key of the page, as a constant (no key literals elsewhere).

Widgets whose key is a view filter are seeded from the URL by `ui.session` and read back into a
`ViewState` there; the module named beside each key draws the widget and owns its behaviour.
"""
from __future__ import annotations

# The view (geo.dashboard.state.ViewState): seeded from the URL and read back by ui.session;
# drawn by ui.sidebar unless noted.
DATE_RANGE = "date_range"  # ui.timeline: the date slider
TYPES = "types"
COUNTRIES = "countries"
PAIR = "pair"  # border pair "UA-RU"
SIDE = "side"
MAX_KM = "max_km"
LINE_MAX_KM = "line_max_km"  # shown only once a reference line is uploaded
CLAIMED_BY = "claimed_by"
VERIFIED = "verified"
Q = "q"
PRECISION = "precision"
COARSE_KM = "coarse_km"  # region/country events in distance bands too
MIN_CONFIDENCE = "min_confidence"
LESS_CERTAIN = "less_certain"  # "show less certain events too"
HEAT = "heat"
RINGS = "rings"
SELECTED = "selected"  # the selected event id: set by ui.map_panel and ui.events_table, shown by ui.event_card

# ui.sidebar
LINE_FILE = "line_file"

# ui.timeline: playback
PLAY_BUTTON = "play_button"
STEP_BACK = "step_back"
STEP_FORWARD = "step_forward"
STEP = "step"  # playback step size: day or week
SPEED = "speed"
WINDOW_MODE = "window_mode"
WINDOW_DAYS = "window_days"
PLAYING = "playing"
PLAY_DAY = "play_day"
TICK_ARMED = "_tick_armed"  # the player fragment's first run after a full rerun only arms it
NEXT_RANGE = "_next_range"  # window set by a tick, applied before the slider exists
BOUNDS = "_bounds"  # ui.session: the slider's last (lo, hi): "everything" keeps meaning everything

# Session bookkeeping: ui.session (URL_LOADED); ui.add_articles writes the rest, ui.data and ui.event_card read it
URL_LOADED = "url_loaded"
SESSION_EVENTS = "session_events"  # events a read-only visitor extracted (ui.add_articles)
SESSION_TOKEN = "session_token"
SESSION_ARTICLES = "session_articles"

# ui.map_panel
EVENT_MAP = "event_map"
LAST_POPUP = "_last_popup"
MAP_SEED = "_map_seed"  # (map key, viewport): the URL's centre and zoom open the session's first map

# ui.event_card: the correction form
FIX_TYPE = "fix_type"
FIX_PLACE = "fix_place"
FIX_LAT = "fix_lat"
FIX_LON = "fix_lon"
FIX_VERIFIED = "fix_verified"
FIX_NOTES = "fix_notes"
FIX_DATE = "fix_date"
FIX_CLAIMED_BY = "fix_claimed_by"
FIX_HIDDEN = "fix_hidden"

# Adding articles (ui.add_articles)
EDITOR_PASSWORD = "editor_password"  # the password box (ui.editing); its value is never kept
EDITOR_SIGN_IN = "editor_sign_in"  # the password form
EDITOR_SIGNED_IN = "_editor_signed_in"  # True once the password was right (not a widget key)
SESSION_ID = "_session_id"  # counts this session's wrong passwords (ui.editing)
SESSION_CHARS = "_session_chars"  # article text this session extracted so far (ui.add_articles)
LOOKUPS_LEFT = "_lookups_left"  # online geocoder requests this anonymous session may still cause
ADD_MESSAGES = "_add_messages"  # problems and the result of the last extraction, shown until dismissed
DISMISS_MESSAGES = "dismiss_messages"
PASTE_TEXT = "paste_text"
PASTE_DATE = "paste_date"
UPLOADS = "uploads"
EXTRACT = "extract"


def table(selected: int | None) -> str:
    """The events table's key: a new one per selected event, so it re-renders with that row selected."""
    return f"table-{selected}"


def correction_form(event_id: int) -> str:
    return f"correct-{event_id}"
