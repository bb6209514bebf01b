"""Toponym recognition (spaCy entities + gazetteer matching) and context-aware resolution.

Recognition: spaCy's small model mislabels many places ("Kiev" PERSON, "Belgorod" ORG,
"Kotluban" NORP), so any proper-noun sequence that the gazetteer knows is a candidate, unless it
sits inside a multi-word person name or is a common word. Region phrases ("the Belgorod
region", "Krasnodar Territory", "region of Volgograd", "Mykolaiv and Kherson regions") resolve
to first-level divisions.

Resolution scores every gazetteer candidate with population and feature priors plus the
article's context: countries it mentions, the region named next to the name, and distance to
the other places already resolved.
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

from .gazetteer import Gazetteer, Place, normalize_name

REGION_WORDS = {"region", "regions", "oblast", "oblasts", "territory", "krai", "kray", "province",
                "provinces", "area", "district"}
# Capitalised words that are never places here even when a gazetteer has a hamlet of that name.
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
}
_DEMONYM_COUNTRY = {
    "russian": "RU", "russians": "RU", "ukrainian": "UA", "ukrainians": "UA", "belarusian": "BY",
    "polish": "PL", "american": "US", "german": "DE", "french": "FR", "british": "GB",
    "chinese": "CN", "iranian": "IR", "crimean": "UA", "israeli": "IL", "turkish": "TR",
}
_MAX_NGRAM = 4
_SMALL_PLACE = 5000
_REGION_AFTER = re.compile(r"^,?\s*(?:in\s+)?(?:the\s+)?[A-Z][\w'’-]+(?:'s)?\s+(?:[A-Z][\w'’-]+\s+)?(?:region|oblast|province|district|territory|krai)\b")
_PLACE_PREPOSITIONS = {"in", "near", "at", "outside", "around", "from", "to", "into", "towards", "toward",
                       "over", "across", "between", "through", "via"}
_SETTLEMENT_WORDS = {"village", "town", "city", "settlement", "hamlet", "port", "suburb", "district",
                     "region", "municipality", "outskirts", "area"}


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

    def to_dict(self, article_id: str) -> dict:
        p = self.place
        return {
            "article_id": article_id, "start": self.start, "end": self.end, "name": self.name,
            "lat": p.lat if p else None, "lon": p.lon if p else None,
            "country_code": p.country_code if p else None, "feature": p.feature if p else None,
            "geonameid": p.geonameid if p and p.geonameid > 0 else None,
            "source": p.source if p else None,
        }


def _haversine_km(a: Place, b: Place) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _is_name_token(tok) -> bool:
    t = tok.text
    return bool(t[:1].isupper() and re.match(r"^[^\W\d_][\w'’-]*$", t)) and t.lower() not in _NOT_PLACES


class ToponymRecognizer:
    """Finds and resolves toponyms in spaCy docs using a Gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    # -- recognition -------------------------------------------------------------------------
    def recognize(self, doc) -> list[Toponym]:
        """Place-name spans in `doc` (longest gazetteer match first), not yet resolved."""
        blocked = set()
        for ent in doc.ents:
            # Inside multi-word names ("Antony Blinken", "Institute for the Study of War") a
            # gazetteer homonym is no place, unless the whole name is one ("Kryvyi Rih" PERSON).
            if len(ent) > 1 and ent.label_ in ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "LOC", "FAC"):
                first = ent.start + (1 if ent[0].lower_ == "the" else 0)
                if ent.label_ == "PERSON" and self.gazetteer.candidates(ent.text):
                    continue
                blocked.update(range(first + (0 if ent.label_ != "PERSON" else -1) + 1, ent.end))
                if ent.label_ == "PERSON":
                    blocked.add(first)
        found: list[Toponym] = []
        i, n = 0, len(doc)
        while i < n:
            if not _is_name_token(doc[i]) or i in blocked:
                i += 1
                continue
            match = None
            for j in range(min(n, i + _MAX_NGRAM + 4), i, -1):
                span = doc[i:j]
                if not self._name_span(span) or any(k in blocked for k in range(i + 1, j)):
                    continue
                cands = self.gazetteer.candidates(span.text)
                if cands and self._plausible(span, cands):
                    match = (span, cands)
                    break
            if match is None:
                i += 1
                continue
            span, cands = match
            top = Toponym(span.start_char, span.end_char, span.text, span.start, span.end, candidates=cands)
            top.is_region_phrase = self._region_phrase(doc, span)
            found.append(top)
            i = span.end
        self._add_coordinated_regions(doc, found)
        return found

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
        if span.text.isupper() and len(span.text) > 1:
            # Acronyms (HUR, ISW, NATO) are organisations unless they name a country (US, UK).
            return any(c.feature == "country" for c in cands)
        ent_label = span[0].ent_type_
        if ent_label in ("GPE", "LOC", "FAC"):
            return True
        if any(c.feature in ("country", "region") for c in cands):
            return True
        if ent_label in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"):
            return False
        # Capitalised common nouns are only places if spaCy calls them proper nouns.
        if not all(t.pos_ == "PROPN" or t.text == "-" or not t.whitespace_ for t in span):
            return False
        if max(c.population for c in cands) >= _SMALL_PLACE:
            return True
        # Hamlets named like words ("War", "Media") need a place cue: "the village of X", "near X".
        doc = span.doc
        prev = doc[span.start - 1].lower_ if span.start >= 1 else ""
        prev2 = doc[span.start - 2].lower_ if span.start >= 2 else ""
        after = doc[span.end: span.end + 6].text
        return (prev in _PLACE_PREPOSITIONS or (prev == "of" and prev2 in _SETTLEMENT_WORDS)
                or bool(_REGION_AFTER.match(after)))

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

    # -- resolution --------------------------------------------------------------------------
    def resolve(self, doc, toponyms: list[Toponym]) -> list[Toponym]:
        """Choose one gazetteer entry per toponym using the article's context."""
        context_cc = self._context_countries(doc, toponyms)
        by_name: dict[str, Place | None] = {}
        # Unambiguous names and countries first; they anchor the others.
        order = sorted(toponyms, key=lambda t: len({(c.country_code, c.admin1_code) for c in t.candidates}))
        anchors: list[Place] = []
        for t in order:
            key = (t.name.casefold(), t.is_region_phrase)
            if key in by_name:
                t.place = by_name[key]
                continue
            t.place = self._choose(doc, t, context_cc, anchors)
            by_name[key] = t.place
            if t.place is not None and t.place.feature != "country":
                anchors.append(t.place)
        return toponyms

    def _context_countries(self, doc, toponyms) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in toponyms:
            for c in t.candidates:
                if c.feature == "country":
                    counts[c.country_code] = counts.get(c.country_code, 0) + 2
            regions = {c.country_code for c in t.candidates if c.feature == "region"}
            if len(regions) == 1 and (t.is_region_phrase or all(c.feature != "city" for c in t.candidates)):
                cc = regions.pop()
                counts[cc] = counts.get(cc, 0) + 1
        for tok in doc:
            cc = _DEMONYM_COUNTRY.get(tok.lower_)
            if cc:
                counts[cc] = counts.get(cc, 0) + 1
        return counts

    def _adjacent_region(self, doc, t: Toponym) -> list[Place]:
        """Regions named right after the toponym: 'Zolochiv in the Kharkiv region', 'Pokrovsk, Donetsk region'."""
        before = doc[max(0, t.token_start - 6): t.token_start].text
        mb = re.search(r"([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?)\s+(?:region\s+|oblast\s+)?(?:town|city|village|port|settlement|district)\s+of\s*$", before)
        if mb:
            return list(self.gazetteer.candidates(re.sub(r"^(?:The|In|At|Of)\s+", "", mb.group(1))))
        window = doc[t.token_end: min(len(doc), t.token_end + 8)]
        text = window.text
        m = re.match(r"^\s*(?:,|in|of)?\s*(?:the\s+)?(?:[A-Z]\w+'s\s+)?([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?)\s+(region|oblast|territory|krai|province)",
                     text)
        if not m:
            return []
        return [c for c in self.gazetteer.candidates(m.group(1))]

    def _choose(self, doc, t: Toponym, context_cc: dict[str, int], anchors: list[Place]) -> Place | None:
        cands = list(t.candidates)
        if t.is_region_phrase and any(c.feature == "region" for c in cands):
            cands = [c for c in cands if c.feature == "region"]
        if not cands:
            return None
        near_regions = self._adjacent_region(doc, t)
        near_admin = {(c.country_code, c.admin1_code) for c in near_regions if c.feature in ("region", "city")}
        best, best_score = None, -1e9
        for c in cands:
            s = math.log10(c.population + 10)
            if c.feature == "country":
                s += 6
            elif c.feature == "region":
                s += 5 if t.is_region_phrase else 2.5
            elif t.is_region_phrase:
                s -= 1  # a city name in "X region" still resolves to X's region below
            s += 0.75 * min(context_cc.get(c.country_code, 0), 4)
            if (c.country_code, c.admin1_code) in near_admin:
                s += 8
            if anchors and c.feature != "country":
                d = min(_haversine_km(c, a) for a in anchors)
                s += 3 if d < 100 else 2 if d < 300 else 1 if d < 800 else 0
            # An alias shared by unrelated places ("Sloviansk" is also listed under Nikopol):
            # prefer the entry whose own name is spelled like the text.
            own, written = normalize_name(c.name), normalize_name(t.name)
            s += 1.0 if own == written else 0.3 * difflib.SequenceMatcher(None, own, written).ratio()
            if c.source == "supplement":
                s += 1  # curated entries exist because cities500 lacks them
            if s > best_score:
                best, best_score = c, s
        if near_admin and best is not None and (best.country_code, best.admin1_code) not in near_admin:
            # "Hlyboke in the Kharkiv region" with no Hlyboke there in the gazetteer: the region
            # is the most specific place the text supports, better than a namesake elsewhere.
            region = next((c for c in near_regions if c.feature == "region"), None)
            if region is not None:
                return region
        if t.is_region_phrase and best is not None and best.feature == "city":
            region = self.gazetteer.region_of(best.country_code, best.admin1_code)
            if region is not None:
                return region
        return best
