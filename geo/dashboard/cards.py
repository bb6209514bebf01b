"""An event as HTML: the map popup and the selected event's card, with every text escaped.

Article text is untrusted and reaches the page through three interpreters, so it is escaped for
each (see geo/dashboard/map/mapping.py's docstring and tests/dashboard/map/test_mapping.py):
HTML (:func:`html.escape`), JavaScript template literals and Jinja (``` ` ``` ``$`` ``\\`` ``{``
``}`` as character references, :func:`inert`; data for scripts as :func:`js_string`).
"""
from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from ..model import EVENT_TYPE_TABLE

# Per event type, from the one table in geo.model (colour, label, legend symbol).
TYPE_COLOURS: dict[str, str] = {t.name: t.colour for t in EVENT_TYPE_TABLE}
TYPE_LABELS: dict[str, str] = {t.name: t.label for t in EVENT_TYPE_TABLE}
TYPE_SYMBOLS: dict[str, str] = {t.name: t.symbol for t in EVENT_TYPE_TABLE}
OTHER_COLOUR = "#666666"  # event types this map does not know yet


def event_popup_html(row: Mapping[str, Any], km_column: str = "border_distance_km") -> str:
    """Popup card for one event (a dict or a DataFrame row); every field is optional.

    Shows type, sub_type, place (precision), date, claimed_by / verified, the evidence
    sentence, the article title (a link only for http/https URLs) and the distance to
    the border (`km_column`: the dashboard's chosen pair is "pair_km"). The map's cards are
    built from the same pieces (:func:`geo.dashboard.map.mapping.atlas_payload`). All article-derived text is
    HTML-escaped, and the characters JS template literals and Jinja treat specially are
    character references (see module docstring), so the card is safe even in ``folium.Popup(card)``.
    """
    etype = _get(row, "event_type")
    colour = TYPE_COLOURS.get(etype, OTHER_COLOUR)
    head = esc(type_label(etype))
    if (sub := _get(row, "sub_type")) is not None:
        head += f" &middot; {esc(sub)}"
    # The type's colour on a dot, the heading in near-black: type colours on white fail WCAG's
    # 4.5:1 for text (#D55E00: 3.86:1).
    parts = [f'<div style="font-weight:600;color:#1F1F1F"><span style="color:{colour}" aria-hidden="true">●</span> '
             f"{head}</div>"]

    place = _get(row, "place")
    if place is not None:
        parts.append(f"<div>{place_html(place, _get(row, 'precision'))}</div>")
    if (when := _get(row, "date")) is not None:
        parts.append(f'<div style="color:#666">{esc(date_label(when, _get(row, "date_precision")))}</div>')

    if claim := claim_html(_get(row, "claimed_by"), verified_text(_get(row, "verified"))):
        parts.append(f"<div>{claim}</div>")

    if (amounts := quantities_text(row.get("quantities") if hasattr(row, "get") else None)):
        parts.append(f"<div>{esc(amounts)}</div>")
    parts.append(detail_html(_get(row, "evidence"), _get(row, "title"), _get(row, "url"), colour))
    if (km := _number(_get(row, km_column))) is not None:
        parts.append(f'<div style="color:#666">{km:.1f} km from the border</div>')

    card = '<div style="font:13px/1.4 sans-serif;min-width:180px">' + "".join(parts) + "</div>"
    return inert(card)


def place_html(place: Any, precision: Any) -> str:
    """'Kharkiv (place)', escaped."""
    suffix = f' <span style="color:#666">({esc(precision)})</span>' if precision else ""
    return f"{esc(place)}{suffix}"


def verified_text(value: Any) -> str | None:
    return None if _get({"v": value}, "v") is None else "verified" if _truthy(value) else "unverified"


def claim_html(claimed: Any, verified: str | None) -> str:
    """'Claimed by X · unverified' (escaped), or "" when neither is known."""
    parts = ([f"Claimed by {esc(claimed)}"] if claimed else []) + ([verified] if verified else [])
    return " &middot; ".join(parts)


def detail_html(evidence: Any, title: Any, url: Any, colour: str) -> str:
    """The evidence sentence and the article's title (a link for http/https URLs), escaped."""
    out = ""
    if (ev := _get({"v": evidence}, "v")) is not None:
        out += (f'<blockquote style="margin:6px 0;padding-left:6px;border-left:3px solid {colour};'
                f'font-style:italic">{esc(ev)}</blockquote>')
    source = _source_html(_get({"v": title}, "v"), _get({"v": url}, "v"))
    if source is not None:
        out += f"<div>{source}</div>"
    return out


def quantities_text(value: Any) -> str:
    """{"drones": 12, "killed": 2} -> "drones: 12, killed: 2" (raw text: escape before use)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ""
    if not isinstance(value, dict) or not value:
        return ""
    return ", ".join(f"{k}: {v}" for k, v in value.items())


def date_label(when: Any, precision: Any) -> str:
    text = _date_text(when)
    return f"{text} (within a {precision})" if precision not in (None, "", "day") else text


def type_label(event_type: Any) -> str:
    """Human label for an event type; unknown types come back as-is (raw: escape before use)."""
    if event_type is None:
        return "Event"
    return TYPE_LABELS.get(event_type, str(event_type))


def safe_http_url(url: Any) -> str | None:
    """`url` if it is an absolute http(s) URL without whitespace/control characters, else None.

    Rejects ``javascript:``, ``data:`` and relative URLs, which must never become links.
    """
    if url is None:
        return None
    url = str(url).strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None  # browsers strip these inside schemes ("java\tscript:")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _get(row: Mapping[str, Any], key: str) -> Any:
    """row[key], with missing columns, None, NaN/NaT/pd.NA and blank strings all as None."""
    value = row.get(key) if hasattr(row, "get") else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # list-like values: not "missing"
        pass
    return value


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):  # CSV/SQLite round trips turn booleans into text
        return value.strip().lower() in ("1", "true", "yes", "y")
    return bool(value)


def _date_text(value: Any) -> str:
    if isinstance(value, datetime):  # includes pandas.Timestamp
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _source_html(title: Any, url: Any) -> str | None:
    href = safe_http_url(url)
    text = esc(title) if title is not None else None
    if href is None:
        return text
    link_text = text or esc(urlsplit(href).netloc)
    return f'<a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener noreferrer">{link_text}</a>'


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


_INERT = str.maketrans({"\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"})


def inert(markup: str) -> str:
    """Escaped HTML -> same HTML with JS-template and Jinja metacharacters as references.

    Only for markup built here: our own tags and styles contain none of these characters.
    """
    return markup.translate(_INERT)


def js_string(text: str) -> str:
    """A JS string literal for `text` that cannot end a <script>, nor form Jinja syntax."""
    return (
        json.dumps(text)  # ensure_ascii: also escapes U+2028/U+2029
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("{", "\\u007b")
        .replace("}", "\\u007d")
    )


def highlight_spans(text: str, start: int | None, end: int | None) -> tuple[str, str, str]:
    """(before, evidence, after) of an article text, for showing the evidence highlighted."""
    if start is None or end is None or not (0 <= start <= end <= len(text)):
        return text, "", ""
    return text[:start], text[start:end], text[end:]


def event_card_html(event: Mapping[str, Any], article=None, context_chars: int = 1500,
                    km_column: str = "border_distance_km") -> str:
    """The selected event's card plus its article text with the evidence sentence marked.

    `km_column` holds the distance the card shows (the dashboard's border pair: "pair_km").
    Every piece of article text is HTML-escaped; only our own tags remain.
    """
    out = event_popup_html(event, km_column)
    if article is None:
        return out
    text = article.text
    start, end = event.get("evidence_start"), event.get("evidence_end")
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        start = end = None
    before, evidence, after = highlight_spans(text, start, end)
    if evidence:
        cut = max(0, len(before) - min(context_chars, 400))  # the mark near the top of the box
        before = ("…" if cut else "") + before[cut:]
        after = after[:context_chars] + ("…" if len(after) > context_chars else "")
    else:
        before = before[: 2 * context_chars]
    title = html.escape(article.title or article.id)
    out += (
        f'<div style="margin-top:8px;font:600 13px sans-serif">{title}</div>'
        '<div style="max-height:340px;overflow:auto;white-space:pre-wrap;font:13px/1.5 sans-serif;'
        'border:1px solid #ddd;padding:6px;border-radius:4px">'
        f"{html.escape(before)}<mark>{html.escape(evidence)}</mark>{html.escape(after)}</div>"
    )
    return out
