"""The place of occurrence of an event: which toponyms of its sentence host it.

Not where it was announced or filed (speakers, datelines, seats of government, titles), not a
reference point ("east of Kharkiv") or a container of a more specific place ("Yelets in the
Lipetsk region"); "the city", "the region" and "the capital" refer back to a named place.
`PlaceRules` is a mixin of `extraction.EventExtractor`: it uses `self.recognizer` and the
per-article state that `extract` sets (`_by_end`, `_named_ends`, `_unplaced_ends`,
`_trigger_ids`, `_rejected_ids`, `_capitals`).
"""
from __future__ import annotations

import dataclasses
import re

from ..places import normalize_name
from .layout import _dateline
from .name_words import REGION_WORDS
from .toponym import Toponym
from .triggers import REPORTING, TRIGGERS

# Titles whose place names whom they speak for ("the governor of the Lipetsk region", "Kyiv mayor").
TITLES = {"governor", "mayor", "head", "chief", "administration", "authorities", "authority", "council",
          "spokesman", "spokesperson", "official", "officials", "ministry", "minister", "police", "prosecutor",
          "commander", "military", "government", "regime", "aide", "adviser", "advisor", "envoy", "leader",
          "leadership", "media", "outlet", "agency", "channel", "correspondent", "republic"}
# Seats of government named for the government ("the Kremlin said"); capitals are taken from the gazetteer.
SEATS = {"kremlin", "white house", "pentagon", "downing street", "elysee", "bankova"}
# "over the capital", "in the Ukrainian capital" (not "the capital of ...", not "capital city Kyiv").
CAPITAL = re.compile(r"\bthe (?:([A-Z][a-z]{2,20}) )?capital\b(?! of\b)(?!,? [A-Z])")
# "across the country", "its airspace": the text itself makes a country-wide event.
COUNTRY_WIDE = re.compile(r"\b(?:airspace|nationwide|across the country|throughout the country|all over the country|"
                          r"across (?:all|most) (?:of )?(?:the )?regions)\b", re.I)
COMPASS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
           "north-east", "north-west", "south-east", "south-west"}
ANAPHORA = re.compile(r"\bthe (?P<mod>border |frontline |front-line |surrounding |same )?"
                      r"(?P<word>region|peninsula|city|town|village|area|oblast|province|territory)\b(?! of\b)", re.I)
_CONTAINER_FILLER = {"the", "'s", "’s", "border", "northern", "southern", "eastern", "western", "central",
                     "north", "south", "east", "west", "northeastern", "northwestern", "southeastern",
                     "southwestern", "occupied", "annexed", "neighbouring", "neighboring", "russian", "ukrainian"}


class PlaceRules:
    """Where an event took place (mixin of EventExtractor)."""

    @staticmethod
    def _placeable(top: Toponym, text: str) -> bool:
        """Whether the toponym can carry an event on the map: not a sea (hundreds of km wide),
        not a region the name was only guessed into ("Sosnivka in the Lipetsk region" with no
        Sosnivka there), not a country or continent unless the text makes the event country-wide."""
        feature = top.place.feature
        if feature == "water" or top.approximate:
            return False
        if feature in ("country", "continent"):
            return bool(COUNTRY_WIDE.search(text))
        return True

    # -- places ------------------------------------------------------------------------------
    def _places_for(self, trig, sent, sent_tops, etype, ends: set[int]) -> list[Toponym]:
        if trig is None:
            subtree = set(range(sent.start, sent.end))
        else:
            clause_root = trig if trig.pos_ in ("VERB", "AUX") else trig.head
            if trig.pos_ == "NOUN" and trig.dep_ == "pobj" and trig.head.dep_ == "agent":
                clause_root = trig.head.head  # "the plant was hit by shelling": the passive's subject
            elif trig.pos_ == "NOUN" and trig.dep_ == "pobj" and trig.head.lower_ == "of" and trig.head.head.dep_ in (
                    "nsubj", "nsubjpass") and trig.head.head.head.pos_ == "VERB":
                clause_root = trig.head.head.head  # "a series of explosions was reported in Yelets"
            subtree = {t.i for t in clause_root.subtree} | {t.i for t in trig.subtree}
        places = []
        for top in sent_tops:
            head = sent.doc[top.token_end - 1]
            if head.i not in subtree and sent.doc[top.token_start].i not in subtree:
                continue
            if trig is not None and self._nearer_trigger(head, trig, sent):
                continue  # "the strike happened as ministers met in Vienna": the meeting's place
            if trig is None and any(a.i in self._rejected_ids for a in list(head.ancestors)[:8]):
                continue  # "captured another village near Vuhledar": the rejected capture's reference
            if self._excluded(top, sent.doc, etype, ends) or self._speaker_or_reference(top, sent.doc, etype):
                continue
            places.append(top)
        specific = [p for p in places if p.place.feature != "country"]
        return specific or places

    @staticmethod
    def _excluded(top: Toponym, doc, etype: str, ends: set[int]) -> bool:
        """Whether a toponym only qualifies or locates something else; `ends` holds the last
        token of every toponym of the doc."""
        last = doc[top.token_end - 1]
        nxt = doc[top.token_end] if top.token_end < len(doc) else None
        prev = doc[top.token_start - 1] if top.token_start > 0 else None
        prev2 = doc[top.token_start - 2] if top.token_start > 1 else None
        if nxt is not None and nxt.text in ("-", "–") and top.token_end + 1 < len(doc) \
                and doc[top.token_end + 1].lower_ in ("based", "backed", "supplied", "made"):
            return True  # "Washington-based", "US-supplied"
        if nxt is not None and nxt.text in ("'s", "’s") and top.place.feature == "country":
            return True  # "Ukraine's Kharkiv region": a qualifier, not the place
        if top.place.feature == "country" and last.dep_ in ("nsubj", "nsubjpass") and not (
                etype == "interception" and COUNTRY_WIDE.search(last.sent.text)):
            return True  # "the US approved an aid package": the country acts, it is no place
        if prev is not None and prev.lower_ == "of" and prev2 is not None and (
                prev2.lower_ in COMPASS or prev2.lower_ in ("km", "kilometres", "kilometers", "miles")) \
                and prev2.lower_ not in ("kilometres", "km") \
                and not (top.token_start >= 3 and doc[top.token_start - 3].lower_ == "the"):
            return True  # "east of Kharkiv": a reference point (but "in the south of the region" is inside)
        if prev is not None and prev.lower_ == "from" and etype not in ("diplomacy", "territorial_change"):
            return True  # "drones launched from Ukraine": the origin (but "withdrew from X" is X)
        if nxt is not None and nxt.lower_ in ("river", "sea", "lake", "reservoir", "mountains", "canal"):
            return True  # "across the Dnipro river": a river, not the city of the same name
        if prev is not None and prev.lower_ in ("near", "outside") and prev2 is not None \
                and prev2.ent_type_ in ("GPE", "LOC", "FAC", "") and top.token_start - 2 in ends:
            return True  # "Krasnohorivka near Donetsk": Donetsk only locates the other place
        head = last.head
        if last.dep_ == "dobj" and head.lemma_.lower() not in TRIGGERS and not any(
                c.dep_ == "nsubj" and c.lemma_.lower() in TRIGGERS for c in head.children):
            return True  # "spooked Kiev": the object of a non-event verb (but "explosions rocked Kyiv")
        if last.dep_ in ("compound", "amod", "nmod") and top.place.feature == "country":
            return True  # "US Secretary of State"
        # Metonymy: "Kyiv said", "Moscow did not comment".
        if last.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in REPORTING | {"do", "say"}:
            return True
        # Where it was announced: "In Moscow, the ministry reported", "said in Kiev".
        if last.dep_ == "pobj" and head.lower_ in ("in", "from") and head.head.lemma_.lower() in REPORTING \
                and etype != "diplomacy":
            return True
        if last.dep_ == "pobj" and head.head.lemma_.lower() in ("official", "officials") \
                and head.head.head.lemma_.lower() in REPORTING:
            return True  # "Officials in Moscow said"
        return False

    def _nearer_trigger(self, tok, trig, sent) -> bool:
        """Whether another trigger of the sentence governs `tok` before `trig` does."""
        node = tok
        for _ in range(12):
            if node.i == trig.i or node.head.i == node.i or not (sent.start <= node.head.i < sent.end):
                return False
            if node.dep_ in ("xcomp", "advcl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
                return True  # "gathered in Vienna to coordinate their support for Uman": a purpose
            node = node.head
            if node.i in self._trigger_ids and node.i != trig.i:
                return node.i not in {t.i for t in trig.ancestors}
        return False

    def _speaker_or_reference(self, top: Toponym, doc, etype: str) -> bool:
        """Names of a place that speaks, files or titles rather than hosts the event: datelines
        ("TBILISI, June 3 (Reuters) -"), seats of government acting ("Minsk blamed", "Minsk's forces",
        "a Kremlin-funded group"), titles ("the governor of the Lipetsk region", "Tambov
        governor"), hyphenated qualifiers ("Minsk-backed"), parties to talks ("talks between
        Minsk and Vilnius") and containers of a more specific place ("Yelets in the Lipetsk region")."""
        last = doc[top.token_end - 1]
        nxt = doc[top.token_end] if top.token_end < len(doc) else None
        if self._not_a_place(top, doc):
            return True
        p = top.place
        seat = p.geonameid in self.recognizer.gazetteer.capitals or normalize_name(p.name) in SEATS \
            or normalize_name(top.name) in SEATS
        if seat:
            node = last
            while node.dep_ == "conj" and node.head is not node:
                node = node.head  # "Minsk and Vilnius both blamed each other"
            if node.dep_ in ("nsubj", "poss") or (nxt is not None and nxt.text in ("'s", "’s")) or (
                    node.dep_ == "pobj" and node.head.dep_ == "agent"):  # "drones launched by Minsk"
                return True
        if self._titled(top, doc):
            return True  # "Tambov governor", "the Minsk regime", "the governor of the Lipetsk region"
        if last.dep_ == "pobj" and last.head.lower_ == "between" and etype == "diplomacy":
            return True  # "talks between Minsk and Vilnius": the parties, not the venue
        if any(a.lemma_.lower() in ("locate", "lie", "situate") for a in list(last.ancestors)[:4]) \
                and last.dep_ not in ("nsubj", "nsubjpass"):
            return True  # "Uman, which is located 200 km south of the capital, Kyiv"
        return self._container(doc, top)

    @staticmethod
    def _not_a_place(top: Toponym, doc) -> bool:
        """A name that is no place here, nor one a later "the town" can refer to: a dateline,
        a qualifier ("Kremlin-funded", "Minsk-backed"), an entity ("a Lipetsk People's Republic")."""
        nxt = doc[top.token_end] if top.token_end < len(doc) else None
        if _dateline(doc, top):
            return True
        if nxt is not None and nxt.text in ("-", "–") and top.token_end + 1 < len(doc) and not nxt.whitespace_ \
                and doc[top.token_end + 1].lower_.endswith(("ed", "led", "run", "based")):
            return True
        return nxt is not None and nxt.lower_ in ("people", "people's")

    @staticmethod
    def _titled(top: Toponym, doc) -> bool:
        """Whether the name qualifies a title or body: "Kyiv authorities", "the governor of the
        Lipetsk Region" (the region word, when written, heads the phrase)."""
        last = doc[top.token_end - 1]
        if top.token_end < len(doc) and doc[top.token_end].lower_ in REGION_WORDS:
            last = doc[top.token_end]
        if last.dep_ in ("compound", "amod", "nmod") and last.head.lower_ in TITLES:
            return True
        return last.dep_ == "pobj" and last.head.lower_ == "of" and last.head.head.lower_ in TITLES

    def _container(self, doc, top: Toponym) -> bool:
        """'Vuhledar in the Kramatorsk region', 'the Yelets district of the Lipetsk region',
        'Yelets in Russia's Lipetsk region': the second name only locates the first."""
        if top.place.feature not in ("region", "country", "continent"):
            # a town contains no other place named before it ("... Federation in Yelets"), but
            # "Vuhledar in Kramatorsk" uses the city for its region
            prev = self._by_end.get(top.token_start - 2)
            return (prev is not None and prev.place is not None and prev.place.feature == "city"
                    and doc[top.token_start - 1].lower_ == "in" and prev.place.geonameid != top.place.geonameid
                    and (prev.place.country_code, prev.place.admin1_code)
                    == (top.place.country_code, top.place.admin1_code))
        k = top.token_start - 1
        while k >= 0 and k >= top.token_start - 6 and (doc[k].lower_ in _CONTAINER_FILLER or doc[k].ent_type_ == "GPE"
                                                     and doc[k].lower_ not in ("in", "of", ",")):
            k -= 1
        if k < 1 or doc[k].lower_ not in ("in", "of", ","):
            return False
        nxt = doc[top.token_end].lower_ if top.token_end < len(doc) else ""
        if doc[k].text == "," and (top.place.feature not in ("region", "country") or nxt in (",", "and", "or")):
            return False  # "Uman, Smila and Konotop": a list, not "Yelets, Lipetsk region"
        j = k - 1
        while j > 0 and doc[j].is_punct and doc[j].text not in (",", "."):
            j -= 1  # 'the settlement of Sosnivka Druha” in Russia’s Lipetsk region'
        before = doc[j]
        if before.i in self._named_ends:
            return True
        if before.lower_ in ("airfield", "refinery", "depot", "plant", "district", "base", "airport", "village",
                             "settlement", "town", "port", "terminal", "arsenal", "warehouse", "enterprise") \
                and (any(c.pos_ == "PROPN" for c in before.children) or doc[j - 1].pos_ == "PROPN"):
            return True  # "the Sosnovka airfield in the Tambov region"
        # "near Sosnivka in Lipetsk Oblast", "the settlement of Sosnivka Druha in ...": a name
        # the gazetteer lacks, after a place preposition.
        while j > 0 and before.pos_ == "PROPN" and before.ent_type_ != "PERSON" and doc[j - 1].pos_ == "PROPN":
            j -= 1
        return (doc[k].lower_ == "in" and before.pos_ == "PROPN" and before.ent_type_ != "PERSON" and j >= 1
                and doc[j - 1].lower_ in ("near", "in", "at", "outside", "around", "of", "from", "into"))

    def _capital(self, sent, recent: list[Toponym]) -> list[Toponym]:
        """'a drone shot down over the capital', 'in the Ukrainian capital': the capital of the
        country the adjective or the latest place names."""
        m = CAPITAL.search(sent.text)
        if not m:
            return []
        country = self.recognizer.gazetteer.demonym(m.group(1)) if m.group(1) else None
        cc = country.country_code if country is not None else (recent[-1].place.country_code if recent else None)
        place = self._capital_of(cc) if cc else None
        if place is None:
            return []
        start = sent.start_char + m.start()
        return [Toponym(start, start + len(m.group(0)), m.group(0), sent.start, sent.start + 1, place=place)]

    @staticmethod
    def _destination(top: Toponym, trig, doc) -> bool:
        """'arrived in Ukraine', 'visited Russia', 'talks in Saudi Arabia': the country is where the
        trigger went, not a qualifier ("the invasion of Ukraine")."""
        last = doc[top.token_end - 1]
        if last.dep_ == "dobj" and last.head.i == trig.i:
            return True
        return last.dep_ == "pobj" and last.head.lower_ in ("in", "to") and last.head.head.i == trig.i

    def _capital_of(self, cc: str):
        """The capital city of a country (cached), or None."""
        if cc not in self._capitals:
            gaz = self.recognizer.gazetteer
            cities = gaz.largest_cities(cc, (-90.0, 90.0, -180.0, 180.0), 30)
            self._capitals[cc] = next((c for c in cities if c.geonameid in gaz.capitals), None)
        return self._capitals[cc]

    def _jurisdiction(self, top: Toponym, doc) -> list[Toponym]:
        """The area a titled speaker answers for: a governor's region, a mayor's city."""
        k = (top.token_end if top.token_end < len(doc) and doc[top.token_end].lower_ in REGION_WORDS
             else top.token_end - 1)
        title = doc[k].head.lower_ if doc[k].dep_ != "pobj" else doc[k].head.head.lower_
        if title in ("governor", "governorate", "regional") and top.place.feature == "city":
            region = self.recognizer.gazetteer.region_of(top.place.country_code, top.place.admin1_code)
            return [dataclasses.replace(top, place=region)] if region is not None else []
        return [top]

    def _names_unplaced(self, trig) -> bool:
        """'captured Sosnivka, a small settlement in the region' with Sosnivka unplaced: the
        event's own place is named but unknown, so "the region" must not stand in for it."""
        clause = trig if trig.pos_ in ("VERB", "AUX") else trig.head
        if any(t.i in self._unplaced_ends for t in clause.subtree):
            return True
        # A capture's object is a place whatever spaCy's label ("captured Sosnivka": PERSON).
        capture = TRIGGERS.get(trig.lemma_.lower(), ("", ""))[1] == "capture"
        return any(t.pos_ == "PROPN" and t.is_title and t.ent_type_ not in ("ORG", "NORP", "DATE", "TIME")
                   and (capture or t.ent_type_ != "PERSON") and t.lower_ not in TITLES
                   for t in trig.subtree if t.i != trig.i and t.i not in self._named_ends)

    def _anaphora(self, sent, recent: list[Toponym]) -> list[Toponym]:
        capital = self._capital(sent, recent)
        if capital:
            return capital
        m = ANAPHORA.search(sent.text)
        if not m or not recent:
            return []
        word = m.group("word").lower()
        want_region = word in ("region", "oblast", "province", "territory", "peninsula")
        last = recent[-1]
        if want_region and word != "peninsula" and last.place.feature == "city":
            # "Lipetsk Governor ... reported two strikes in the region": that city's region.
            region = self.recognizer.gazetteer.region_of(last.place.country_code, last.place.admin1_code)
            if region is not None:
                return [dataclasses.replace(last, place=region)]
        settlement = word in ("city", "town", "village")
        for t in reversed(recent):
            if settlement and t.place.feature != "city":
                continue
            if (t.place.feature == "region") == want_region or word in ("area", "peninsula"):
                return [t]
        # No town named before "the town", no region before "the border region": none to refer to.
        return [] if settlement or m.group("mod") else [last]

    @staticmethod
    def _most_specific(places: list[Toponym]) -> list[Toponym]:
        """Drop a region or country when a place inside it is named too."""
        keep, seen = [], set()
        for p in places:
            pl = p.place
            inside = any(
                o is not p and o.place.feature != pl.feature and (
                    (pl.feature == "country" and o.place.country_code == pl.country_code)
                    or (pl.feature == "region" and o.place.feature == "city"
                        and (o.place.country_code, o.place.admin1_code) == (pl.country_code, pl.admin1_code)))
                for o in places)
            if not inside and pl.geonameid not in seen:
                seen.add(pl.geonameid)
                keep.append(p)
        return keep
