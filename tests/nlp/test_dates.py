"""Date expressions resolved against the publication date (2024-05-14 is a Tuesday)."""
from __future__ import annotations

from datetime import date

import pytest

from geo.nlp.dates import find_dates, latest_weekday

PUB = date(2024, 5, 14)


@pytest.mark.parametrize("text,expected,precision", [
    ("on Tuesday", "2024-05-14", "day"),          # the publication day itself
    ("on Monday", "2024-05-13", "day"),
    ("on Wednesday", "2024-05-08", "day"),        # latest Wednesday on or before publication
    ("last Tuesday", "2024-05-07", "day"),        # "last" + the same weekday = a week ago
    ("overnight into Friday", "2024-05-10", "day"),
    ("overnight", "2024-05-14", "day"),
    ("yesterday", "2024-05-13", "day"),
    ("four days ago", "2024-05-10", "day"),
    ("3 days ago", "2024-05-11", "day"),
    ("last week", "2024-05-07", "week"),
    ("last month", "2024-04-14", "month"),
    ("on May 10", "2024-05-10", "day"),
    ("on 2 December", "2023-12-02", "day"),       # later than publication: last year
    ("on June 27, 2022", "2022-06-27", "day"),    # an earlier incident with its year (#11)
    ("on Sept. 9", "2023-09-09", "day"),          # abbreviated month
    ("at the start of April", "2024-04-01", "month"),  # a month, no day: background
    ("in late June 2023", "2023-06-01", "month"),
    ("a few days ago", "2024-05-14", "week"),     # some day before, which one unknown
    ("on Monday, May 13, 2024", "2024-05-13", "day"),  # the weekday beside a date is that date
    ("exactly a year ago", "2023-05-14", "day"),
    ("two weeks ago", "2024-04-30", "day"),
    ("over the weekend", "2024-05-12", "day"),   # the latest Sunday; Saturday is within a day
])
def test_resolution(text, expected, precision):
    (m,) = find_dates(f"Something happened {text}.", PUB)
    assert m.value.isoformat() == expected and m.precision == precision


def test_offsets_point_into_text():
    text = "Drones struck on Saturday evening."
    (m,) = find_dates(text, PUB, offset=100)
    assert text[m.start - 100:m.end - 100] == "Saturday"


def test_no_publication_date_leaves_value_unresolved():
    (m,) = find_dates("on Friday", None)
    assert m.value is None


@pytest.mark.parametrize("weekday", range(7))
def test_latest_weekday_is_on_or_before(weekday):
    d = latest_weekday(PUB, weekday)
    assert d.weekday() == weekday and 0 <= (PUB - d).days < 7


def test_a_huge_day_count_is_no_date_not_an_overflow():
    """#19 item 4: "1000000 days ago" lies before year 1 (OverflowError before the fix)."""
    found = find_dates("The village was shelled 1000000 days ago.", date(2024, 5, 14))
    assert all(m.value is None for m in found if m.kind == "days_ago")
    (m,) = find_dates("The village was shelled 999 days ago.", date(2024, 5, 14))
    assert m.kind == "days_ago" and m.value == date(2021, 8, 19)
    found = find_dates("It happened 99999999999999999999 days ago.", date(2024, 5, 14))
    assert all(m.value is None for m in found if m.kind == "days_ago")
