"""The Toponym record: a place name found in an article, and the place chosen for it.

Recognition (`toponyms`) creates them and resolution (`resolution`) fills in `place`; both
import this module and neither imports the other.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..places import Place


@dataclass
class Toponym:
    """A place name in an article: character span, resolved entry (None if unresolved)."""

    start: int
    end: int
    name: str
    token_start: int
    token_end: int
    is_region_phrase: bool = False
    place: Place | None = None
    candidates: tuple[Place, ...] = field(default=(), repr=False)
    is_demonym: bool = False  # "Russian": the country as a modifier, never an event's place
    within: str | None = None  # "Colorado" when the name is "Colorado State University"
    approximate: bool = False  # resolved to the region named next to it, the name itself unknown there

    def to_dict(self, article_id: str) -> dict:
        """One line of `python -m geo toponyms` output."""
        p = self.place
        return {
            "article_id": article_id, "start": self.start, "end": self.end, "name": self.name,
            "lat": p.lat if p else None, "lon": p.lon if p else None,
            "country_code": (p.country_code or None) if p else None, "feature": p.feature if p else None,
            "geonameid": p.geonameid if p and p.geonameid > 0 else None,
            "source": p.source if p else None,
            "kind": "demonym" if self.is_demonym else "named_after" if self.within else "name",
            **({"within": self.within} if self.within else {}),
        }
