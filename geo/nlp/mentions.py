"""One occurrence told several times within an article: headline repeats, debris of an
interception, explosions of a reported strike, and mentions merged into the most specific one."""
from __future__ import annotations

import re
from datetime import date

from ..geometry import great_circle_km
from ..model import Event, acled_types
from .grouping import SAME_OCCURRENCE_DAYS, SAME_OCCURRENCE_KM

DEBRIS = re.compile(r"\b(?:debris|fragments?|wreckage|falling|fell)\b", re.I)
PRECISION_RANK = {"place": 0, "region": 1, "country": 2}


def drop_headline_repeats(events: list[Event], headings: set[int],
                          unplaced: dict[str, set[str]] | None = None) -> list[Event]:
    """A headline event told again in the body (same type, same region or within 150 km) is
    the body's: the body has the date and the precise place. A headline event the body tells
    without a place ("The blast occurred on the morning of August 15") takes the body's date."""
    body = [e for e in events if e.evidence_start not in headings]
    out = []
    for e in events:
        if e.evidence_start in headings and e.lat is not None:
            if any(b.event_type == e.event_type and b.lat is not None and (
                    great_circle_km(e.lat, e.lon, b.lat, b.lon) <= 150
                    or (b.admin1 and b.admin1 == e.admin1 and b.country_code == e.country_code)) for b in body):
                continue
            dates = (unplaced or {}).get(e.event_type, set())
            if len(dates) == 1:
                e.date = next(iter(dates))
        out.append(e)
    return out


def _debris_of_interceptions(events: list[Event], text: str) -> list[Event]:
    """'Debris from a drone shot down over the city started a fire in its eastern
    district': damage by debris where the drone was downed is that interception's (a site
    elsewhere, "fell on a depot in Yelets", stays a strike of its own)."""
    if not DEBRIS.search(text):
        return events
    downed = [e for e in events if e.event_type == "interception" and e.lat is not None]
    return [e for e in events if not (e.event_type == "strike" and e.lat is not None and any(
        great_circle_km(e.lat, e.lon, d.lat, d.lon) <= SAME_OCCURRENCE_KM for d in downed))]


def drop_explained_explosions(events: list[Event]) -> list[Event]:
    """Explosions at the place and day of a reported strike are that strike's (the article
    attributes them to the attack)."""
    strikes = [e for e in events if e.event_type == "strike" and e.lat is not None]
    out = [e for e in events if e.event_type != "explosion" or e.lat is None or not any(
        great_circle_km(e.lat, e.lon, s.lat, s.lon) <= SAME_OCCURRENCE_KM and _days_apart(e, s) <= SAME_OCCURRENCE_DAYS
        for s in strikes)]
    # "drones attacked an oil depot in Tambov Oblast" + "the fire in the Michurinsk district": the
    # strike, placed at the town where it burned.
    for e in out:
        if e.event_type != "explosion" or e.precision != "place" or e.sub_type != "fire":
            continue
        region = next((s for s in strikes if s.precision == "region" and s.admin1 and s.admin1 == e.admin1
                       and s.country_code == e.country_code and _days_apart(e, s) <= SAME_OCCURRENCE_DAYS), None)
        if region is not None:
            e.event_type, e.sub_type = "strike", region.sub_type
            e.acled_event_type, e.acled_sub_event_type = acled_types("strike", region.sub_type)
            e.claimed_by = e.claimed_by or region.claimed_by
            out = [o for o in out if o is not region]
    return out


def _days_apart(a: Event, b: Event) -> int:
    if not a.date or not b.date:
        return 0
    return abs((date.fromisoformat(a.date) - date.fromisoformat(b.date)).days)



def _same_occurrence(a: Event, b: Event) -> bool:
    if a.event_type != b.event_type or a.lat is None or b.lat is None:
        return False
    if a.evidence_start == b.evidence_start and a.place != b.place:
        return False  # "struck Sloviansk and Kramatorsk": two named places, two events
    if _days_apart(a, b) > SAME_OCCURRENCE_DAYS:
        return False
    if great_circle_km(a.lat, a.lon, b.lat, b.lon) <= SAME_OCCURRENCE_KM:
        return True
    # A region mention and a place inside that region: one occurrence told twice.
    coarse, fine = (a, b) if PRECISION_RANK[a.precision] > PRECISION_RANK[b.precision] else (b, a)
    if coarse.precision == "region" and fine.precision == "place":
        return coarse.admin1 is not None and coarse.admin1 == fine.admin1 and coarse.country_code == fine.country_code
    return False


def merge_mentions(events: list[Event]) -> list[Event]:
    """One event per occurrence within an article: keep the most specific mention."""
    kept: list[Event] = []
    for e in events:
        for i, k in enumerate(kept):
            if _same_occurrence(e, k):
                if PRECISION_RANK[e.precision] < PRECISION_RANK[k.precision]:
                    e.claimed_by = e.claimed_by or k.claimed_by
                    kept[i] = e
                else:
                    k.claimed_by = k.claimed_by or e.claimed_by
                    k.verified = k.verified if k.verified is not None else e.verified
                break
        else:
            kept.append(e)
    return kept
