"""Toponym recognition (spaCy entities + gazetteer matching); resolution lives in `resolution`.

Recognition: spaCy's small model mislabels many places ("Kiev" PERSON, "Belgorod" ORG,
"Kotluban" NORP), so any proper-noun sequence that the gazetteer knows is a candidate, unless it
is part of a person's name, a common word, or a minor namesake inside an organisation's name.
Region phrases ("the Belgorod region", "Krasnodar Territory", "region of Volgograd", "Mykolaiv
and Kherson regions") resolve to first-level divisions. Demonyms ("Russian", "European") are
toponyms of their country or continent, as in the GeoWebNews annotation scheme; the event
extractor never places an event on one (they are countries used as modifiers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gazetteer import AREA_FEATURES, Gazetteer, Place
from .resolution import Resolver

REGION_WORDS = {"region", "regions", "oblast", "oblasts", "territory", "krai", "kray", "province",
                "provinces", "area", "district"}
# Capitalised words that are never places on their own even when a gazetteer has a hamlet of that
# name; inside a longer name they are fine ("South Korea", "West Virginia", "Union City").
_NOT_PLACES = {
    "president", "minister", "ministry", "defence", "defense", "army", "air", "force", "forces",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "patriot", "russian", "ukrainian", "american", "german", "polish",
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "but", "and", "or", "according",
    "state", "secretary", "general", "governor", "mayor", "police", "reuters", "afp", "dpa", "tass",
    "x", "telegram", "video", "videos", "photo", "oops", "please", "something", "meanwhile",
    "separately", "despite", "later", "hours", "officials", "national", "guard", "navy", "center",
    "centre", "city", "town", "village", "union", "west", "east", "north", "south", "european",
    "central", "western", "eastern", "northern", "southern", "federal", "republic", "university",
    "vice", "king", "leader", "officer", "mission", "justice", "god", "star", "bank", "street",
}
_MAX_NGRAM = 4
_SMALL_PLACE = 5000
_FAMOUS_PLACE = 100_000  # a namesake this big is a place even inside an organisation's name
_REGION_AFTER = re.compile(r"^,?\s*(?:in\s+)?(?:the\s+)?[A-Z][\w'’-]+(?:'s)?\s+(?:[A-Z][\w'’-]+\s+)?(?:region|oblast|province|district|territory|krai)\b")
_PLACE_PREPOSITIONS = {"in", "near", "at", "outside", "around", "from", "to", "into", "towards", "toward",
                       "over", "across", "between", "through", "via"}
_SETTLEMENT_WORDS = {"village", "town", "city", "settlement", "hamlet", "port", "suburb", "district",
                     "region", "municipality", "outskirts", "area"}
# "Russia's Black Sea coast", "the Black Sea Fleet": the sea names a coastline or a navy here,
# and its centre would put the place hundreds of km off.
_SEA_MODIFIED = {"coast", "coastline", "coasts", "shore", "shores", "fleet", "port", "ports", "resort", "resorts"}
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){2,3}$")  # "U.S.", "U.K.", "U.S.A."
_NAME_ENTS = ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "LOC", "FAC", "PRODUCT")


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

    def to_dict(self, article_id: str) -> dict:
        """One line of `python -m geo toponyms` output."""
        p = self.place
        return {
            "article_id": article_id, "start": self.start, "end": self.end, "name": self.name,
            "lat": p.lat if p else None, "lon": p.lon if p else None,
            "country_code": (p.country_code or None) if p else None, "feature": p.feature if p else None,
            "geonameid": p.geonameid if p and p.geonameid > 0 else None,
            "source": p.source if p else None, "kind": "demonym" if self.is_demonym else "name",
        }


def _is_name_token(tok) -> bool:
    t = tok.text
    return bool(t[:1].isupper() and (re.match(r"^[^\W\d_][\w'’-]*$", t) or _ABBREVIATION.match(t)))


def _big(cands) -> bool:
    """A country, continent, sea or division, or a city big enough to be meant by its bare name."""
    return any(c.feature in ("country", "region", *AREA_FEATURES) or c.population >= _FAMOUS_PLACE for c in cands)


class ToponymRecognizer:
    """Finds toponyms in spaCy docs using a Gazetteer and resolves them with a Resolver."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.resolver = Resolver(gazetteer)

    def resolve(self, doc, toponyms: list[Toponym]) -> list[Toponym]:
        """Choose one gazetteer entry per toponym using the article's context (see `resolution`)."""
        return self.resolver.resolve(doc, toponyms)

    # -- recognition -------------------------------------------------------------------------
    def recognize(self, doc) -> list[Toponym]:
        """Place-name spans in `doc` (longest gazetteer match first), not yet resolved."""
        person, weak, surnames = self._name_entities(doc)
        found: list[Toponym] = []
        i, n = 0, len(doc)
        while i < n:
            if not _is_name_token(doc[i]) or i in person:
                i += 1
                continue
            match = self._longest_match(doc, i, person, weak, surnames)
            dem = self._demonym(doc, i)
            if dem is not None and (match is None or len(dem[0]) >= len(match[0])):
                span, place = dem
                found.append(Toponym(span.start_char, span.end_char, span.text, span.start, span.end,
                                     place=place, candidates=(place,), is_demonym=True))
                i = span.end
                continue
            if match is None:
                i += 1
                continue
            span, cands = match
            if not cands:
                i = span.end
                continue
            top = Toponym(span.start_char, span.end_char, span.text, span.start, span.end, candidates=cands)
            top.is_region_phrase = self._region_phrase(doc, span)
            found.append(top)
            i = span.end
        self._add_coordinated_regions(doc, found)
        return found

    def _name_entities(self, doc):
        """Tokens of people's names (never places), of other multi-word names (only big places
        there: "New York Times" yes, "Institute for the Study of War" no) and people's surnames."""
        person, weak, surnames = set(), set(), set()
        for ent in doc.ents:
            if len(ent) < 2 or ent.label_ not in _NAME_ENTS:
                continue
            first = ent.start + (1 if ent[0].lower_ == "the" else 0)
            if ent.label_ == "PERSON":
                if self.gazetteer.candidates(ent.text):
                    continue  # the whole "name" is a place: "Kryvyi Rih" tagged PERSON
                person.update(range(first, ent.end))
                if ent[-1].is_title:
                    surnames.add(ent[-1].text)  # "Kelly" later in the text is the same person
            else:
                weak.update(range(first + 1, ent.end))
                if ent.label_ not in ("LOC", "FAC"):
                    weak.add(first)
        return person, weak, surnames

    def _longest_match(self, doc, i, person, weak, surnames):
        n = len(doc)
        for j in range(min(n, i + _MAX_NGRAM + 4), i, -1):
            span = doc[i:j]
            if any(k in person for k in range(i, j)) or not self._name_span(span):
                continue
            cands = self.gazetteer.candidates(span.text)
            if not cands:
                continue
            if j - i == 1 and (span.text.lower() in _NOT_PLACES or (doc[i].is_stop and not span.text.isupper())):
                continue
            if any(k in weak for k in range(i, j)) and not _big(cands):
                continue
            if j - i == 1 and span.text in surnames and not any(c.feature in ("country", *AREA_FEATURES) for c in cands):
                continue
            nxt = doc[j].lower_ if j < n else ""
            if nxt in _SEA_MODIFIED and all(c.feature == "water" for c in cands):
                return span, ()  # skipped as a whole: "Sea" alone is no place either
            if self._plausible(span, cands):
                return span, cands
        return None

    def _demonym(self, doc, i):
        """'Russian', 'Central American', 'North Koreans' -> (span, country or area)."""
        for j in range(min(len(doc), i + 2), i, -1):
            span = doc[i:j]
            if not all(_is_name_token(t) and not t.text.isupper() for t in span):
                continue
            place = self.gazetteer.demonym(span.text)
            if place is not None:
                return span, place
        return None

    @staticmethod
    def _name_span(span) -> bool:
        """Capitalised words, or a hyphenated compound such as 'Slavyansk-na-Kubani'."""
        words = 0
        for k, t in enumerate(span):
            glued = k > 0 and not span[k - 1].whitespace_
            if t.text in ("-", "‐"):
                if not glued or k == len(span) - 1 or t.whitespace_:
                    return False
                continue
            if _is_name_token(t) or (glued and span[k - 1].text in ("-", "‐") and t.is_alpha):
                words += 1
                continue
            return False
        return words <= _MAX_NGRAM or all(not t.whitespace_ for t in span[:-1])

    def _plausible(self, span, cands) -> bool:
        text = span.text
        if text.isupper() and len(text) > 1:
            # Acronyms (HUR, ISW, NATO) are organisations unless they name a country or union
            # (US, UK, EU); a long all-caps word is a dateline ("WASHINGTON —", "LOS ANGELES (AP)").
            if any(c.feature in ("country", *AREA_FEATURES) for c in cands):
                return True
            return len(text.replace(" ", "")) >= 5 and span[0].ent_type_ != "ORG" and _big(cands)
        ent_label = span[0].ent_type_
        if ent_label in ("GPE", "LOC", "FAC"):
            return True
        if any(c.feature in ("country", "region", *AREA_FEATURES) for c in cands):
            return True
        if ent_label in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"):
            return False
        doc = span.doc
        prev = doc[span.start - 1].lower_ if span.start >= 1 else ""
        prev2 = doc[span.start - 2].lower_ if span.start >= 2 else ""
        after = doc[span.end: span.end + 6].text
        cue = (prev in _PLACE_PREPOSITIONS or (prev == "of" and prev2 in _SETTLEMENT_WORDS)
               or bool(_REGION_AFTER.match(after)))
        if ent_label == "PERSON" and len(span) == 1:
            # A lone first name or surname ("Kelly said") that is also a town: a cue or a big city.
            return cue or max(c.population for c in cands) >= _FAMOUS_PLACE
        # Capitalised common nouns are only places if spaCy calls them proper nouns.
        if not all(t.pos_ == "PROPN" or t.text == "-" or not t.whitespace_ for t in span):
            return False
        if max(c.population for c in cands) >= _SMALL_PLACE:
            return True
        # Hamlets named like words ("War", "Media") need a place cue: "the village of X", "near X".
        return cue

    @staticmethod
    def _region_phrase(doc, span) -> bool:
        nxt = doc[span.end] if span.end < len(doc) else None
        prev2 = doc[span.start - 2: span.start] if span.start >= 2 else None
        if nxt is not None and nxt.lower_ in REGION_WORDS:
            return True
        if prev2 is not None and prev2[1].lower_ == "of" and prev2[0].lower_ in REGION_WORDS:
            return True
        return False

    @staticmethod
    def _add_coordinated_regions(doc, found: list[Toponym]) -> None:
        # "the Mykolaiv and Kherson regions": the first name is a region too.
        for a, b in zip(found, found[1:]):
            between = doc[a.token_end: b.token_start]
            if b.is_region_phrase and len(between) <= 2 and all(t.lower_ in ("and", ",", "or") for t in between):
                nxt = doc[b.token_end] if b.token_end < len(doc) else None
                if nxt is not None and nxt.lower_ in ("regions", "oblasts", "provinces"):
                    a.is_region_phrase = True
