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
# "Sept. 9", "Jan 7", "August 30": full names and the usual abbreviations.
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(?:,?\s{1,2}((?:19|20)\d\d)\b)?"
_CAPITAL_MONTH = "|".join(m.capitalize() for m in MONTHS)

_PATTERNS = [
    ("days_ago", re.compile(r"\b(\d{1,3}|" + "|".join(_NUMBERS) + r")\s{1,3}days?\s{1,3}ago\b", re.I)),
    # "a week ago", "two weeks ago", "exactly a year ago": a day that many weeks or a year back.
    ("weeks_ago", re.compile(r"\b(a|one|two|three|\d)\s{1,3}weeks?\s{1,3}ago\b", re.I)),
    ("weekend", re.compile(r"\b(?:over|at|during) the weekend\b", re.I)),  # the latest Sunday (Saturday within a day)
    ("year_ago", re.compile(r"\b(?:exactly\s{1,3})?(?:a|one)\s{1,3}year\s{1,3}ago\b", re.I)),
    # "a few days ago", "recently", "earlier this week": some day before, which one unknown.
    ("recent", re.compile(r"\b(?:a few|several|some) days ago\b|\brecently\b|\bearlier this (?:week|month)\b|"
                          r"\bin recent (?:days|weeks)\b", re.I)),
    ("last_weekday", re.compile(r"\blast\s{1,3}(" + "|".join(WEEKDAYS) + r")\b", re.I)),
    ("weekday", re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)),
    ("month_day", re.compile(r"\b" + _MONTH + r"\s{1,3}(\d{1,2})(?:st|nd|rd|th)?\b" + _YEAR, re.I)),
    ("day_month", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s{1,3}(?:of\s{1,3})?" + _MONTH + r"\b" + _YEAR, re.I)),
    # "in February", "at the start of April", "in late June 2023": a month, no day.
    ("month", re.compile(r"\b(?:[Ii]n|[Ss]ince|[Dd]uring|[Uu]ntil|[Bb]y|of|[Ee]arly|[Ll]ate|[Mm]id-?)\s{1,3}(?:(?:early|late|mid-?)\s{0,3})?("
                         + _CAPITAL_MONTH + r")\b(?!\s{0,3}\d{1,2}\b)(?:\s{1,3}((?:19|20)\d\d)\b)?")),
    ("year", re.compile(r"\b(?:[Ii]n|[Ss]ince|[Dd]uring)\s{1,3}((?:19|20)\d\d)\b")),
    ("yesterday", re.compile(r"\byesterday\b", re.I)),
    ("day_before_yesterday", re.compile(r"\bday before yesterday\b", re.I)),
    ("today", re.compile(r"\b(today|tonight|this (morning|afternoon|evening))\b", re.I)),
    ("overnight", re.compile(r"\b(overnight|last night)\b", re.I)),
    ("last_week", re.compile(r"\blast week(?:'s)?\b", re.I)),
    ("last_month", re.compile(r"\blast month\b", re.I)),
    ("hours_earlier", re.compile(r"\b(hours|minutes) (earlier|before|later|after)\b", re.I)),
]


RELATIVE_KINDS = {"overnight", "yesterday", "day_before_yesterday", "today", "days_ago"}
COARSE_PRECISIONS = {"week", "month", "year"}  # background when an event has only these


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text: character span, resolved day and its precision."""

    start: int
    end: int
    text: str
    kind: str
    value: date | None  # None for "hours earlier" (same day as the event it refers to)
    precision: str  # day | week | month | year


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
    if kind == "weeks_ago":
        n = m.group(1).lower()
        weeks = 1 if n in ("a", "one") else int(n) if n.isdigit() else _NUMBERS[n]
        return published - timedelta(days=7 * weeks), "day"
    if kind == "weekend":
        return latest_weekday(published, 6), "day"
    if kind == "year_ago":
        try:
            return published.replace(year=published.year - 1), "day"
        except ValueError:  # 29 February
            return published - timedelta(days=365), "day"
    if kind == "last_weekday":
        return latest_weekday(published, WEEKDAYS.index(m.group(1).lower()), strictly_before=True), "day"
    if kind == "weekday":
        return latest_weekday(published, WEEKDAYS.index(m.group(1).lower())), "day"
    if kind in ("month_day", "day_month"):
        month_name, day_s = (m.group(1), m.group(2)) if kind == "month_day" else (m.group(2), m.group(1))
        year = int(m.group(3)) if m.group(3) else published.year
        try:
            d = date(year, _month_number(month_name), int(day_s))
        except ValueError:
            return None, "day"
        # A date later than publication means last year's ("on December 30" in a January report).
        return (d.replace(year=d.year - 1) if d > published + timedelta(days=1) and not m.group(3) else d), "day"
    if kind == "month":
        month = _month_number(m.group(1))
        year = int(m.group(2)) if m.group(2) else published.year - (month > published.month)
        return date(year, month, 1), "month"
    if kind == "year":
        return date(int(m.group(1)), 1, 1), "year"
    if kind == "recent":
        return published, "week"
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


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")[:3]
    return next(i for i, full in enumerate(MONTHS, 1) if full.startswith(key))


def find_dates(text: str, published: date | None, offset: int = 0) -> list[DateMention]:
    """All date expressions in `text`, resolved against `published` (None: unresolved values)."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pat in _PATTERNS:
        for m in pat.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # "last Thursday" already covers "Thursday"
            if kind in ("month_day", "day_month") and not (m.group(1)[:1].isupper() or m.group(2)[:1].isupper()):
                continue  # "may 10" is no date; "Sept. 9" and "9 September" are
            value, precision = _resolve(kind, m, published) if published else (None, "day")
            taken.append((m.start(), m.end()))
            found.append(DateMention(offset + m.start(), offset + m.end(), m.group(0), kind, value, precision))
    # "overnight into Friday": the weekday right next to it names the day, so drop the bare
    # "overnight" (but not in "overnight, ... the governor said on Tuesday").
    # "Monday, August 18": the explicit date names the day (and its year).
    explicit = [d for d in found if d.kind in ("month_day", "day_month")]
    found = [d for d in found if d.kind != "weekday" or not any(0 <= e.start - d.end <= 3 for e in explicit)]
    weekdays = [d for d in found if d.kind in ("weekday", "last_weekday")]
    found = [d for d in found if d.kind != "overnight"
             or not any(abs(w.start - d.end) <= 12 or abs(d.start - w.end) <= 12 for w in weekdays)]
    return sorted(found, key=lambda d: d.start)
