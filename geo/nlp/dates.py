"""Resolving the date an event happened from words relative to the publication date."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen".split())}

_PATTERNS = [
    ("days_ago", re.compile(r"\b(\d+|" + "|".join(_NUMBERS) + r")\s+days?\s+ago\b", re.I)),
    ("last_weekday", re.compile(r"\blast\s+(" + "|".join(WEEKDAYS) + r")\b", re.I)),
    ("weekday", re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)),
    ("month_day", re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.I)),
    ("day_month", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r")\b", re.I)),
    ("yesterday", re.compile(r"\byesterday\b", re.I)),
    ("day_before_yesterday", re.compile(r"\bday before yesterday\b", re.I)),
    ("today", re.compile(r"\b(today|tonight|this (morning|afternoon|evening))\b", re.I)),
    ("overnight", re.compile(r"\b(overnight|last night)\b", re.I)),
    ("last_week", re.compile(r"\blast week(?:'s)?\b", re.I)),
    ("last_month", re.compile(r"\blast month\b", re.I)),
    ("hours_earlier", re.compile(r"\b(hours|minutes) (earlier|before|later|after)\b", re.I)),
]


RELATIVE_KINDS = {"overnight", "yesterday", "day_before_yesterday", "today", "days_ago"}


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text: character span, resolved day and its precision."""

    start: int
    end: int
    text: str
    kind: str
    value: date | None  # None for "hours earlier" (same day as the event it refers to)
    precision: str  # day | week | month


def latest_weekday(published: date, weekday: int, strictly_before: bool = False) -> date:
    """The latest given weekday on (or strictly before) the publication date."""
    back = (published.weekday() - weekday) % 7
    if strictly_before and back == 0:
        back = 7
    return published - timedelta(days=back)


def _resolve(kind: str, m: re.Match, published: date) -> tuple[date | None, str]:
    if kind == "days_ago":
        n = m.group(1).lower()
        try:  # "1000000 days ago" lies before year 1: no date, not an OverflowError
            return published - timedelta(days=int(n) if n.isdigit() else _NUMBERS[n]), "day"
        except (OverflowError, ValueError):
            return None, "day"
    if kind == "last_weekday":
        return latest_weekday(published, WEEKDAYS.index(m.group(1).lower()), strictly_before=True), "day"
    if kind == "weekday":
        return latest_weekday(published, WEEKDAYS.index(m.group(1).lower())), "day"
    if kind in ("month_day", "day_month"):
        month_name, day_s = (m.group(1), m.group(2)) if kind == "month_day" else (m.group(2), m.group(1))
        try:
            d = date(published.year, MONTHS.index(month_name.lower()) + 1, int(day_s))
        except ValueError:
            return None, "day"
        # A date later than publication means last year's ("on December 30" in a January report).
        return (d.replace(year=d.year - 1) if d > published + timedelta(days=1) else d), "day"
    if kind == "yesterday":
        return published - timedelta(days=1), "day"
    if kind == "day_before_yesterday":
        return published - timedelta(days=2), "day"
    if kind in ("today", "overnight"):
        return published, "day"
    if kind == "last_week":
        return published - timedelta(days=7), "week"
    if kind == "last_month":
        return published - timedelta(days=30), "month"
    return None, "day"


def find_dates(text: str, published: date | None, offset: int = 0) -> list[DateMention]:
    """All date expressions in `text`, resolved against `published` (None: unresolved values)."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pat in _PATTERNS:
        for m in pat.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # "last Thursday" already covers "Thursday"
            if kind == "month_day" and m.group(1).lower() == "may" and not m.group(2):
                continue
            value, precision = _resolve(kind, m, published) if published else (None, "day")
            taken.append((m.start(), m.end()))
            found.append(DateMention(offset + m.start(), offset + m.end(), m.group(0), kind, value, precision))
    # "overnight into Friday": the weekday right next to it names the day, so drop the bare
    # "overnight" (but not in "overnight, ... the governor said on Tuesday").
    weekdays = [d for d in found if d.kind in ("weekday", "last_weekday")]
    found = [d for d in found if d.kind != "overnight"
             or not any(abs(w.start - d.end) <= 12 or abs(d.start - w.end) <= 12 for w in weekdays)]
    return sorted(found, key=lambda d: d.start)
