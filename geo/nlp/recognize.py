"""Toponym recognition (spaCy entities + gazetteer matching); resolution lives in `resolution`,
whole site names, streets and acronyms in `geoparse`.

Recognition: spaCy's small model mislabels many places ("Kiev" PERSON, "Belgorod" ORG,
"Kotluban" NORP), so any proper-noun sequence that the gazetteer knows is a candidate, unless it
is part of a person's name, a common word, or a minor namesake inside an organisation's name.
Region phrases ("the Belgorod region", "Krasnodar Territory", "region of Volgograd", "Mykolaiv
and Kherson regions") resolve to first-level divisions. Demonyms ("Russian", "European") are
toponyms of their country or continent, as in the GeoWebNews annotation scheme; they carry
`is_demonym` so that the event extractor can tell them from places of occurrence.
"""
from __future__ import annotations

import difflib
import re

from ..places import AREA_FEATURES, Gazetteer, normalize_name, place_from_location
from .geoparse import context_acronyms, whole_names
from .name_words import (
    _ABBREVIATION,
    _CONNECTORS,
    _NOT_PLACES,
    _SITE_WORDS,
    _STATE_ABBREVIATION,
    REGION_WORDS,
    _is_name_token,
)
from .toponym import Toponym

_MAX_NGRAM = 4
_SMALL_PLACE = 5000
_PERSON_OR_TOWN = 20_000  # spaCy's PERSON on a single word: a town this big is more likely meant
_FAMOUS_PLACE = 100_000
# A bare word known only as an alternate name (not the entry's own name) needs a place cue unless
# the place is a metropolis ("Kiev", "Kharkov", "Odessa" are old spellings everyone uses).
_ALIAS_ONLY_PLACE = 1_000_000  # a namesake this big is a place even inside an organisation's name
_REGION_AFTER = re.compile(r"^,?\s*(?:in\s+)?(?:the\s+)?[A-Z][\w'’-]+(?:'s)?\s+(?:[A-Z][\w'’-]+\s+)?"
                           r"(?:region|oblast|province|district|territory|krai)\b")
_PLACE_PREPOSITIONS = {"in", "near", "at", "outside", "around", "from", "to", "into", "towards", "toward",
                       "over", "across", "between", "through", "via"}
_STRONG_PLACE_CUES = {"in", "near", "outside", "around"}
_SETTLEMENT_WORDS = {"village", "town", "city", "settlement", "hamlet", "port", "suburb", "district",
                     "region", "municipality", "outskirts", "area"}
# "Russia's Black Sea coast", "the Black Sea Fleet": the sea names a coastline or a navy here,
# and its centre would put the place hundreds of km off.
_SEA_MODIFIED = {"coast", "coastline", "coasts", "shore", "shores", "fleet", "port", "ports", "resort", "resorts"}
_MIXED_CASE_ACRONYM = re.compile(r"^(?=.*[a-z])[A-Z][a-z]?[A-Z][a-zA-Z]?$")
_NAME_ENTS = ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "LOC", "FAC", "PRODUCT")


_SETTLEMENT_CUES = {"village", "town", "settlement", "hamlet", "city", "port", "district"}


_LIST_WORDS = {"towns", "villages", "settlements", "cities", "localities", "notably", "including", "namely"}


def _list_cue(doc, start: int) -> bool:
    """'nearby villages, notably Pavlivka, Bohoiavlenka and Sosnivka', 'near Pavlivka and
    Sosnivka': a name in a list that a settlement word or a place preposition introduces."""
    k, steps = start - 1, 0
    if k < 0 or doc[k].lower_ not in (",", "and", "or", "notably", "including", "namely"):
        return False
    while k >= 0 and steps < 16:
        t = doc[k]
        if t.lower_ in _LIST_WORDS or t.lower_ in _STRONG_PLACE_CUES:
            return True
        if not (t.text in (",", "and", "or") or t.pos_ == "PROPN" or t.is_title):
            return False
        k -= 1
        steps += 1
    return False


def _big(cands) -> bool:
    """A country, continent, sea or division, or a city big enough to be meant by its bare name."""
    return any(c.feature in ("country", "region", *AREA_FEATURES) or c.population >= _FAMOUS_PLACE for c in cands)


def _metropolis(cands) -> bool:
    return any(c.feature == "country" or c.feature == "city" and c.population >= _ALIAS_ONLY_PLACE for c in cands)


class ToponymRecognizer:
    """Finds toponyms in spaCy docs using a Gazetteer and resolves them with a Resolver."""

    def __init__(self, gazetteer: Gazetteer, resolver, geocoder=None):
        """`resolver`: a `resolution.Resolver` (or anything with its `resolve(doc, toponyms)`);
        `geocoder`: a `places.LayeredGeocoder` whose online layer resolves place entities the
        gazetteer lacks (None: offline only). Both are built by the caller (pipeline.default_extractor)."""
        self.gazetteer = gazetteer
        self.resolver = resolver
        self.geocoder = geocoder

    def resolve(self, doc, toponyms: list[Toponym]) -> list[Toponym]:
        """Choose one gazetteer entry per toponym using the article's context (see `resolution`)."""
        return self.resolver.resolve(doc, toponyms)

    def toponyms(self, doc) -> list[Toponym]:
        """Every toponym of `doc`, resolved, as `python -m geo toponyms` reports them: a place
        inside the name of a facility, organisation or event ("Colorado State University",
        "Dubai World Cup", "Manila Cathedral") is reported as that whole name, located at the
        place it is named after (`within`). The event extractor uses `recognize` + `resolve`,
        where "Kharkiv" inside "the Kharkiv Regional Administration said" stays the city."""
        return whole_names(doc, context_acronyms(doc, self.resolve(doc, self.recognize(doc)), self.gazetteer))

    # -- recognition -------------------------------------------------------------------------
    def recognize(self, doc) -> list[Toponym]:
        """Place-name spans in `doc` (longest gazetteer match first), not yet resolved."""
        person, weak, surnames, heads = self._name_entities(doc)
        found: list[Toponym] = []
        i, n = 0, len(doc)
        while i < n:
            if not _is_name_token(doc[i]) or i in person:
                i += 1
                continue
            match = (self._comma_abbreviated(doc, i)
                     or self._longest_match(doc, i, person, weak, surnames, head=i in heads))
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
            span, cands = self._landmark_tail(doc, span) or (span, cands)
            top = Toponym(span.start_char, span.end_char, span.text, span.start, span.end, candidates=cands)
            top.is_region_phrase = self._region_phrase(doc, span)
            found.append(top)
            i = span.end
        self._add_coordinated_regions(doc, found)
        if self.geocoder is not None and getattr(self.geocoder, "online", None) is not None:
            found = self._add_online(doc, found, person)
        return found

    def _add_online(self, doc, found: list[Toponym], person) -> list[Toponym]:
        """Place entities spaCy found that the gazetteer lacks ("Eastern Ghouta"), via the online layer."""
        taken = {k for t in found for k in range(t.token_start, t.token_end)}
        spans = [(ent, False) for ent in doc.ents if ent.label_ in ("GPE", "LOC")]
        # "the village of Buhruvatka": a settlement cue names a place whatever spaCy thinks it is.
        for tok in doc:
            if tok.lower_ == "of" and tok.i >= 1 and doc[tok.i - 1].lower_ in _SETTLEMENT_CUES:
                j = tok.i + 1
                while j < len(doc) and doc[j].is_title and doc[j].is_alpha:
                    j += 1
                if j > tok.i + 1:
                    spans.append((doc[tok.i + 1: j], True))
        for ent, cued in spans:
            # spaCy often calls an unknown village a person; the cue says otherwise.
            if any(k in taken or (k in person and not cued) for k in range(ent.start, ent.end)):
                continue
            taken.update(range(ent.start, ent.end))
            span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
            loc = self.geocoder.geocode(span.text)
            if loc is None:
                continue
            place = place_from_location(loc, span.text)
            found.append(Toponym(span.start_char, span.end_char, span.text, span.start, span.end,
                                 place=place, candidates=(place,)))
        return sorted(found, key=lambda t: t.start)

    def _name_entities(self, doc):
        """Tokens of people's names (never places), inner tokens of other multi-word names (only
        big places there: "Institute for the Study of War" no), people's name words, and the
        first tokens of other names (a place may start them: "New York Times")."""
        person, weak, surnames, heads = set(), set(), set(), set()
        for ent in doc.ents:
            if len(ent) < 2 or ent.label_ not in _NAME_ENTS:
                continue
            first = ent.start + (1 if ent[0].lower_ == "the" else 0)
            # "Abuja Chamber of Commerce and Industry" tagged PERSON: people's names have no "of".
            # "NIKOPOL - Ukraine’s Nikopol" tagged PERSON: a dateline and a dash, no name.
            is_person = ent.label_ == "PERSON" and not any(t.lower_ == "of" for t in ent) and not (
                any(t.text in ("-", "–", "—") for t in ent) and any(t.is_upper and len(t) > 3 for t in ent))
            if is_person:
                if self.gazetteer.candidates(ent.text):
                    continue  # the whole "name" is a place: "Kryvyi Rih" tagged PERSON
                person.update(range(first, ent.end))
                # "Kelly" or "Levi" alone later in the text is the same person; a famous place
                # is still that place ("Abuja" after "Abuja Seahawks" was misread as a person).
                surnames.update(t.text for t in ent[first - ent.start:]
                                if t.is_title and not _metropolis(self.gazetteer.candidates(t.text)))
            else:
                # A name often starts with the place it is named after ("Kharkiv Regional
                # Administration", "Beverly Hills Police Department"); spaCy also swallows
                # "Hlyboke in the Kharkiv region" whole. Later words are weak ("Study of War").
                weak.update(range(first + 1, ent.end))
                heads.add(first)
        return person, weak - heads, surnames, heads

    def _longest_match(self, doc, i, person, weak, surnames, head=False):
        """(span, candidates) of the longest plausible gazetteer name starting at token i, or None;
        (span, ()) to skip a span as a whole."""
        n = len(doc)
        for j in range(min(n, i + _MAX_NGRAM + 4), i, -1):
            span = doc[i:j]
            if any(k in person for k in range(i, j)) or not self._name_span(span):
                continue
            cands = self.gazetteer.candidates(span.text)
            if not cands:
                continue
            if j - i == 1 and (span.text.lower() in _NOT_PLACES or (doc[i].is_stop and not span.text.isupper())
                               or _MIXED_CASE_ACRONYM.match(span.text)):
                continue  # "MoD", "PoP": abbreviations of bodies and events, not hamlets
            if j - i == 1 and _STATE_ABBREVIATION.match(span.text) and not _ABBREVIATION.match(span.text):
                cands = tuple(c for c in cands if c.feature == "region")  # "Severn, Md."
                if not cands:
                    continue
            whole_place_entity = any(e.start <= i and e.end == j and e.label_ in ("GPE", "LOC", "FAC")
                                     for e in doc.ents if e.start <= i < e.end)
            if head and j - i > 1 and not whole_place_entity and not any(
                    c.population >= _PERSON_OR_TOWN or c.feature != "city" for c in cands):
                continue  # "Beverly Hills Police Department" yes, "Notre Dame" (university) no
            if not head and any(k in weak for k in range(i, j)) and not _big(
                    [c for c in cands if c.feature != "city" or normalize_name(c.name) == normalize_name(span.text)]):
                continue  # inside a multi-word name only a big place counts, a city under its own name
            if (j - i == 1 and span.text in surnames
                    and not any(c.feature in ("country", *AREA_FEATURES) for c in cands)
                    and not (i > 0 and doc[i - 1].lower_ in _STRONG_PLACE_CUES)):
                continue  # "Kelly said" after "Mary Kelly"; but "in Riverdale" after "Riverdale Lukoil" is the place
            nxt = doc[j].lower_ if j < n else ""
            if nxt in _SEA_MODIFIED and all(c.feature == "water" for c in cands):
                return span, ()  # skipped as a whole: "Sea" alone is no place either
            if self._inside_longer_name(span, cands):
                return span, ()  # "Aston Villa", "Time Warner", "Winfield Mowden": no small town there
            if self._plausible(span, cands):
                return span, cands
        return None

    def _landmark_tail(self, doc, span):
        """'the Zaporizhzhia nuclear power plant', 'the Kakhovka dam': a place name with the
        lowercase words of a landmark named after it (the plant is 50 km from the city)."""
        for k in (3, 2, 1):
            tail = doc[span.end: span.end + k]
            if len(tail) < k or not all(t.is_alpha and t.is_lower for t in tail):
                continue
            cands = tuple(c for c in self.gazetteer.candidates(f"{span.text} {tail.text}") if c.feature == "landmark")
            if cands:
                return doc[span.start: span.end + k], cands
        return None

    def _comma_abbreviated(self, doc, i):
        """'Washington, D.C.': a name whose abbreviated qualifier follows a comma, when the
        gazetteer knows the pair as one name."""
        if i + 2 >= len(doc) or doc[i + 1].text != "," or not _ABBREVIATION.match(doc[i + 2].text):
            return None
        cands = self.gazetteer.candidates(f"{doc[i].text} {doc[i + 2].text}")
        return (doc[i: i + 3], cands) if cands else None

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
        """Capitalised words, a hyphenated compound ('Slavyansk-na-Kubani'), or names joined by
        a lowercase connector ('Trinidad and Tobago', 'Republic of Armenia', 'Sea of Azov')."""
        words = 0
        last = len(span) - 1
        for k, t in enumerate(span):
            glued = k > 0 and not span[k - 1].whitespace_
            if t.text in ("-", "‐"):
                if not glued or k == last or t.whitespace_:
                    return False
                continue
            if _is_name_token(t) or (glued and span[k - 1].text in ("-", "‐") and t.is_alpha):
                words += 1
                continue
            if 0 < k < last and t.text in _CONNECTORS and _is_name_token(span[k + 1]) \
                    and span[k + 1].text not in _CONNECTORS:
                continue
            return False
        return words <= _MAX_NGRAM or all(not t.whitespace_ for t in span[:-1])

    @staticmethod
    def _inside_longer_name(span, cands) -> bool:
        """A small place's name glued to other capitalised words is part of a longer name the
        gazetteer does not know (a club, a company, a person spaCy missed), not that place.
        Dates, titles and cue words next to it do not count ("Kupiansk Tuesday", "In Robotyne")."""
        if _big(cands):
            return False
        if span[0].ent_type_ in ("ORG", "FAC", "GPE", "LOC", "EVENT"):
            return False  # an organisation or site named after the place ("Owensboro Public Schools")
        doc = span.doc

        def name_word(tok) -> bool:
            return (_is_name_token(tok) and not tok.is_stop and tok.lower_ not in _NOT_PLACES
                    and tok.lower_ not in REGION_WORDS and tok.lower_ not in _SITE_WORDS and not tok.text.isupper())

        before = doc[span.start - 1] if span.start > 0 else None
        after = doc[span.end] if span.end < len(doc) else None
        return ((before is not None and before.whitespace_ == " " and name_word(before) and not span[0].is_sent_start)
                or (after is not None and span[-1].whitespace_ == " " and name_word(after)))

    def _plausible(self, span, cands) -> bool:
        text = span.text
        if text.isupper() and len(text) > 1:
            # Acronyms (HUR, ISW, NATO) are organisations unless they name a country or union
            # (US, UK, EU); a long all-caps word is a dateline ("WASHINGTON —", "LOS ANGELES (AP)").
            if any(c.feature in ("country", *AREA_FEATURES) for c in cands):
                return True
            doc = span.doc
            nxt = doc[span.end].text if span.end < len(doc) else ""
            after = doc[span.end + 1].text if span.end + 1 < len(doc) else ""
            dateline = ((span.start == 0 or "\n" in doc[span.start - 1].text_with_ws)
                        and nxt in ("(", ",", "—", "–", "-")
                        or nxt == "(" and after.isupper())  # "... The Associated Press. WASHINGTON (AP)"
            if "." in text and span.start > 0 and doc[span.start - 1].text == ",":
                return _big(cands)  # "ALBUQUERQUE, N.M.", "Washington, D.C."
            if _ABBREVIATION.match(text):
                return _big(cands)  # "in D.C.", "the D.C. Commission"
            if dateline:
                return True  # "WAUSAU, Wis. (WSAW) --": the dateline names the place
            return len(text.replace(" ", "")) >= 5 and (dateline or span[0].ent_type_ != "ORG") and _big(cands)
        ent_label = span[0].ent_type_
        if ent_label in ("GPE", "LOC", "FAC"):
            return True
        if (span[0].ent_type_ == "PERSON" and len(span) == 1 and len(text) <= 3
                and not any(c.feature == "country" for c in cands)):
            return False  # "Putin and Xi met": a short personal name, even if a region's code is "XI"
        if any(c.feature in ("country", "region", *AREA_FEATURES) for c in cands):
            return True
        if len(span) > 1 and any(c.feature == "district" for c in cands):
            return True  # "706 Orange County residents" (spaCy: PERCENT)
        doc = span.doc
        prev = doc[span.start - 1].lower_ if span.start >= 1 else ""
        if ent_label in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"):
            # "in Manbij near the border" (spaCy: DATE); months and weekdays never get this far
            return prev in _STRONG_PLACE_CUES and max(c.population for c in cands) >= _SMALL_PLACE
        prev2 = doc[span.start - 2].lower_ if span.start >= 2 else ""
        after = doc[span.end: span.end + 6].text
        cue = (prev in _PLACE_PREPOSITIONS or (prev == "of" and prev2 in _SETTLEMENT_WORDS)
               or bool(_REGION_AFTER.match(after)) or _list_cue(doc, span.start))
        if ent_label == "PERSON" and len(span) == 1:
            # A lone first name or surname ("Kelly said") that is also a village: a cue or a town.
            return cue or max(c.population for c in cands) >= _PERSON_OR_TOWN
        # Capitalised common nouns are only places if spaCy calls them proper nouns.
        if not all(t.pos_ == "PROPN" or t.text == "-" or not t.whitespace_ for t in span):
            return False
        written = normalize_name(text)
        # A transliteration variant ("Kupiansk" of Kupyansk, "Sloviansk" of Slovyansk) is spelled
        # almost like the entry's own name; an unrelated alias ("Baza" of Basel) is not.
        own = [c for c in cands if difflib.SequenceMatcher(None, normalize_name(c.name), written).ratio() >= 0.75]
        if not own and len(span) == 1 and not cue and max(c.population for c in cands) < _ALIAS_ONLY_PLACE:
            return False  # "the Baza Telegram channel": Baza is only an alias of Basel
        if max(c.population for c in cands) >= _SMALL_PLACE:
            return True
        # Hamlets named like words ("War", "Media") need a place cue: "the village of X", "near X".
        return cue

    @staticmethod
    def _region_phrase(doc, span) -> bool:
        nxt = doc[span.end] if span.end < len(doc) else None
        prev2 = doc[span.start - 2: span.start] if span.start >= 2 else None
        if nxt is not None and nxt.lower_ in REGION_WORDS - {"district", "area"}:
            return True  # "the Yelets district": the district around that town, placed at the town
        # "the region of Volgograd" names a region; "a residential district of Kyiv" a part of a city.
        if prev2 is not None and prev2[1].lower_ == "of" and prev2[0].lower_ in REGION_WORDS - {"area", "district"}:
            return True
        return False

    @staticmethod
    def _add_coordinated_regions(doc, found: list[Toponym]) -> None:
        # "the Mykolaiv and Kherson regions": the first name is a region too.
        # "the Belgorod, Kursk and Bryansk regions": every name of the list, walking back.
        for k in range(len(found) - 2, -1, -1):
            a, b = found[k], found[k + 1]
            between = doc[a.token_end: b.token_start]
            if b.is_region_phrase and len(between) <= 2 and all(t.lower_ in ("and", ",", "or") for t in between):
                last = next((t for t in found[k + 1:] if doc[t.token_end: t.token_end + 1].text.lower()
                             in ("regions", "oblasts", "provinces")), None)
                if last is not None:
                    a.is_region_phrase = True
