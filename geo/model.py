"""Plain data records shared by every stage (no I/O here)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

# The border every stored event's `border_distance_km` is measured to; the dashboard offers others.
DEFAULT_BORDER = ("UA", "RU")

EVENT_TYPES = (
    "strike",
    "interception",
    "explosion",
    "ground_fighting",
    "territorial_change",
    "diplomacy",
)


@dataclass(frozen=True)
class Article:
    """One news report. `published` is the date relative expressions are resolved against."""

    id: str
    text: str
    published: date | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    origin: str | None = None  # file the article came from, for error messages

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d


@dataclass
class Event:
    """One reported event, traceable to its evidence sentence (`evidence_start:evidence_end`)."""

    article_id: str
    event_type: str
    evidence: str
    evidence_start: int
    evidence_end: int
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    country_code: str | None = None
    admin1: str | None = None
    precision: str | None = None  # place | region | country
    date: str | None = None  # ISO YYYY-MM-DD
    date_precision: str | None = None  # day | week | month
    sub_type: str | None = None
    acled_event_type: str | None = None  # the ACLED event type/sub-event type this maps to
    acled_sub_event_type: str | None = None
    claimed_by: str | None = None
    verified: bool | None = None
    actors: list[str] = field(default_factory=list)
    quantities: dict[str, int] = field(default_factory=dict)
    geonameid: int | None = None
    geo_source: str | None = None  # gazetteer | supplement | cache | nominatim
    border_distance_km: float | None = None
    border_side: str | None = None  # ISO alpha-2 of the country the point lies in

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Event":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})
