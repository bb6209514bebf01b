"""Toponyms as GeoWebNews annotates them, over resolved recognition: whole site names ("University
of Alberta", "Manila Cathedral") located at the place they are named after, streets put in the
article's main city, and acronyms of the countries and divisions an article names."""
from __future__ import annotations

import re

from ..places import Gazetteer, Place
from .name_words import _CONNECTORS, _NOT_PLACES, _SITE_WORDS, _STREET_NAMES, _is_name_token
from .toponym import Toponym

_STREET_WORDS = _STREET_NAMES | {"st", "ave", "rd", "blvd"}
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
# ...unless the name is a body's: "Maryland State Police", "Central Bank of Malta".
_BODY_WORDS = {"police", "bank", "federation", "service", "services", "ministry", "department", "agency"}
_WHOLE_NAME_ENTS = ("ORG", "FAC", "EVENT", "GPE", "LOC")
_NAME_END = {"'s", "’s", ","}


def whole_names(doc, toponyms: list[Toponym]) -> list[Toponym]:
    """Widen each resolved toponym that spaCy sees inside a longer named entity to that entity,
    and add street names.

    GeoWebNews-style annotation treats "University of Alberta" or "Birmingham City" as one
    toponym located where the place it names is. The entity loses a leading "the" and anything
    from a possessive or a comma on ("the Manila Cathedral, Cardinal Tagle"); it must contain no
    other toponym, and demonyms stay as they are ("the Russian Embassy" is not in Russia).
    A street ("Royal Street", "Collins Avenue", "Third Street") is not in the place it may be
    named after: it is put in the article's main city, the city it mentions most.
    """
    by_token = {}
    for t in toponyms:
        for k in range(t.token_start, t.token_end):
            by_token[k] = t
    entities = {id(t): _entity_around(doc, t) for t in toponyms}
    # Names inside street names ("Royal" of "Royal Street") say nothing about the article's city.
    focus = _main_city([t for t in toponyms if entities[id(t)] is None or not _is_street(entities[id(t)])])
    out = []
    for t in toponyms:
        ent = entities[id(t)]
        if ent is None or t.place is None or t.is_demonym:
            out.append(t)
            continue
        others = {id(by_token[k]) for k in range(ent.start, ent.end) if k in by_token}
        if others != {id(t)}:
            out.append(t)
            continue
        # A street is in the article's city, whatever it is named after.
        place = focus if focus is not None and _is_street(ent) else t.place
        out.append(Toponym(ent.start_char, ent.end_char, ent.text, ent.start, ent.end, t.is_region_phrase,
                           place, t.candidates, within=t.name))
    if focus is not None:
        out.extend(_streets(doc, by_token, focus))
    return sorted(out, key=lambda t: t.start)


def _is_street(span) -> bool:
    """'Royal Street', 'Eglinton Avenue West', '14th St.'"""
    return any(tok.lower_.rstrip(".") in _STREET_WORDS for tok in span[1:])


def _main_city(toponyms: list[Toponym]) -> Place | None:
    counts: dict[int, int] = {}
    first: dict[int, Place] = {}
    for t in toponyms:
        if t.place is not None and t.place.feature == "city" and not t.is_demonym:
            counts[t.place.geonameid] = counts.get(t.place.geonameid, 0) + 1
            first.setdefault(t.place.geonameid, t.place)
    if not counts:
        return None
    return first[max(counts, key=lambda g: counts[g])]  # dicts keep order: ties go to the first named


def _streets(doc, taken, focus: Place) -> list[Toponym]:
    """'Desire Street', 'Third Street', '14th St.', 'Assiniboine Avenue' not already covered."""
    found = []
    for tok in doc:
        if tok.lower_.rstrip(".") not in _STREET_WORDS or not tok.text[:1].isupper() or tok.i in taken:
            continue
        j = tok.i
        while j > 0 and j - 1 not in taken and (_is_name_token(doc[j - 1]) or _ORDINAL.match(doc[j - 1].text)) \
                and doc[j - 1].lower_ not in _NOT_PLACES and tok.i - j < 3:
            j -= 1
        if j == tok.i:
            continue
        span = doc[j: tok.i + 1]
        found.append(Toponym(span.start_char, span.end_char, span.text, span.start, span.end,
                             place=focus, candidates=(focus,), within=focus.name))
    return found


def _entity_around(doc, t: Toponym):
    for ent in doc.ents:
        if ent.label_ not in _WHOLE_NAME_ENTS or not (ent.start <= t.token_start and t.token_end <= ent.end):
            continue
        start, end = ent.start, ent.end
        if doc[start].lower_ == "the" and start < t.token_start:
            start += 1
        for k in range(t.token_end, end):
            if doc[k].text in _NAME_END:
                end = k
                break
        extra = [tok.lower_ for tok in doc[start:end] if not t.token_start <= tok.i < t.token_end]
        if (extra and any(w in _SITE_WORDS for w in extra) and not any(w in _BODY_WORDS for w in extra)
                and all(_is_name_token(tok) or tok.lower_ in _CONNECTORS for tok in doc[start:end])):
            return doc[start:end]
        return None
    return None


# ISO 3166-2 codes that are also everyday words in capitals ("OK", "HI" in a headline).
_CODES_THAT_ARE_WORDS = {"OK", "HI", "OH", "ID", "AH"}


def _acronyms(name: str) -> set[str]:
    """'South Africa' -> {'SA', 'S.A.'}; 'Trinidad and Tobago' -> {'TT', 'T.T.', 'T&T'}."""
    words = name.split()
    initials = [w[0] for w in words if w.lower() not in _CONNECTORS]
    if len(initials) < 2 or not all(c.isupper() for c in initials):
        return set()
    forms = {"".join(initials), ".".join(initials) + "."}
    if "and" in (w.lower() for w in words):
        forms.add("&".join(initials))
    return forms


def context_acronyms(doc, toponyms: list[Toponym], gazetteer: Gazetteer) -> list[Toponym]:
    """Add acronyms of countries and divisions the article names ("SA" after "South Africa",
    "T&T" after "Trinidad and Tobago") and ISO codes of divisions it has places in ("BC", "B.C."
    in a story about Nelson and Castlegar); an acronym two of its places share is left out."""
    forms: dict[str, Place | None] = {}

    def add(form: str, p: Place) -> None:
        forms[form] = None if forms.get(form, p) != p else p  # None: ambiguous in this article

    for t in toponyms:
        p = t.place
        if p is None:
            continue
        if p.feature in ("country", "region"):
            for form in _acronyms(p.name):
                add(form, p)
        iso = gazetteer.admin1_iso_code(p.country_code, p.admin1_code) if p.admin1_code else None
        if iso and len(iso) == 2 and iso.isalpha():
            region = gazetteer.region_of(p.country_code, p.admin1_code)
            if region is not None:
                add(iso, region)
                add(f"{iso[0]}.{iso[1]}.", region)
    if not any(forms.values()):
        return toponyms
    taken = {k for t in toponyms for k in range(t.token_start, t.token_end)}
    out = list(toponyms)
    for tok in doc:
        place = forms.get(tok.text)
        if (place is not None and tok.i not in taken and tok.ent_type_ != "PERSON" and not tok.is_stop
                and tok.text not in _CODES_THAT_ARE_WORDS):
            out.append(Toponym(tok.idx, tok.idx + len(tok.text), tok.text, tok.i, tok.i + 1,
                               place=place, candidates=(place,)))
    return sorted(out, key=lambda t: t.start)
