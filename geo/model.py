"""Plain data records shared by every stage (no I/O here)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

# The border every stored event's `border_distance_km` is measured to; the dashboard offers others.
DEFAULT_BORDER = ("UA", "RU")


@dataclass(frozen=True)
class EventType:
    """One kind of event: everything the stages need to know about it, in one place."""

    name: str
    label: str  # what the dashboard, legend and chart call it
    colour: str  # map, legend and chart colour (Okabe-Ito based, colour-blind safe; red is the border's)
    symbol: str  # legend icon (plain Unicode, no icon font needed)
    acled: tuple[str, str] | None  # ACLED (event_type, sub_event_type) unless its sub-type says otherwise


_EXPLOSIONS = "Explosions/Remote violence"
#: The event types, in the order filters, legends and charts list them. Adding one: one line here
#: (plus, for extraction, its trigger words in geo/nlp/triggers.py).
EVENT_TYPE_TABLE: tuple[EventType, ...] = (
    EventType("strike", "Strike", "#D55E00", "✹", (_EXPLOSIONS, "Shelling/artillery/missile attack")),
    EventType("interception", "Interception", "#0072B2", "⊗", (_EXPLOSIONS, "Air/drone strike")),
    EventType("explosion", "Explosion", "#E69F00", "✸", (_EXPLOSIONS, "Remote explosive/landmine/IED")),
    EventType("ground_fighting", "Ground fighting", "#CC79A7", "⚔", ("Battles", "Armed clash")),
    EventType("territorial_change", "Territorial change", "#009E73", "⚑", None),  # by sub-type only
    EventType("diplomacy", "Diplomacy", "#6A3D9A", "✉", ("Strategic developments", "Other")),
)
EVENT_TYPES = tuple(t.name for t in EVENT_TYPE_TABLE)
EVENT_TYPE = {t.name: t for t in EVENT_TYPE_TABLE}

# Our type + sub-type -> ACLED (event_type, sub_event_type), per ACLED's codebook categories;
# (type, None) is the type's default from the table above.
ACLED_TYPES = {
    ("strike", "shelling"): (_EXPLOSIONS, "Shelling/artillery/missile attack"),
    ("strike", "missile"): (_EXPLOSIONS, "Shelling/artillery/missile attack"),
    ("strike", "drone"): (_EXPLOSIONS, "Air/drone strike"),
    ("strike", "glide bomb"): (_EXPLOSIONS, "Air/drone strike"),
    ("strike", "air strike"): (_EXPLOSIONS, "Air/drone strike"),
    ("strike", "sabotage"): (_EXPLOSIONS, "Remote explosive/landmine/IED"),
    ("territorial_change", "capture"): ("Battles", "Armed clash"),
    ("territorial_change", "withdrawal"): ("Strategic developments", "Non-violent transfer of territory"),
    **{(t.name, None): t.acled for t in EVENT_TYPE_TABLE if t.acled is not None},
}


def acled_types(event_type: str, sub_type: str | None) -> tuple[str, str]:
    """The ACLED event type and sub-event type for one of our (type, sub-type) pairs."""
    return ACLED_TYPES.get((event_type, sub_type)) or ACLED_TYPES[(event_type, None)]


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
    # 0-1 from the extractor's evidence (trigger, place match and specificity, modality,
    # attribution, date certainty); None for imported rows (ACLED/GDELT keep their own coding).
    confidence: float | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Event":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})
