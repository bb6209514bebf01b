"""Context-aware toponym resolution: one gazetteer entry per recognised name.

Every candidate gets a score from priors and the article's context:
- priors: feature (country, continent, sea > division > settlement) and population; a division
  must be ten times as populous as a same-named city to win ("Kharkiv" is the city, "California"
  the state); national capitals get a small bonus ("Washington");
- list mates: "California or Washington" are both states, "Russia, Georgia and Armenia" countries;
- containers written next to the name: "Zolochiv in the Kharkiv region", "Pokrovsk, Donetsk
  region", "the Idaho town of Moscow", "Pleasanton, California";
- the countries and divisions the article mentions, by share of mentions;
- distance to the places already resolved (unambiguous names are resolved first);
- spelling: an entry whose own name is the written one beats one listing it as an old alias
  ("Pokrovsk" is the town in Donetsk oblast, not Engels, once called Pokrovsk);
- namesakes of a division: when every same-named city lies in another division and none is a
  national capital, the division needs three times their population, not ten ("Wyoming");
- "the English city of Salisbury": a demonym before "city of" names the container;
- a county in a division the article names; counties chosen again once all other names are placed;
- "Trinidad" in an article naming Trinidad and Tobago is the country; "Horry County, SC": the code
  after the comma is the place's division;
- no guessing among villages: when the best two readings are villages far apart and nothing in
  the article separates them, the name resolves to the division the article names for it, or
  stays unresolved.
"""
from __future__ import annotations

import difflib
import re

from ..geometry import great_circle_km
from ..places import POP_WEIGHT, Gazetteer, Place, normalize_name, prior, region_keys
from .toponym import Toponym

_CONTAINER_FEATURES = ("region", "country")
_OWN_NAME_POPULATION = 10_000
_VARIANT_SIMILARITY = 0.5  # "Kiev"/"Kyiv" 0.75, "Kharkov"/"Kharkiv" 0.86; "Salisbury"/"Harare" 0.13
_SPELLING_SIMILARITY = 0.8  # above this an alias is a spelling of the name ("Nikolaev"/"Mykolaiv"); below, another name
_UNRELATED_ALIAS_PENALTY = 3.0
_VILLAGE_POPULATION = 1000  # below this (or unknown: 0) a settlement is one of many same-named villages
_CONTEXT_MARGIN = 0.5  # less context evidence than this between two villages: choosing is a guess
_SAME_PLACE_KM = 25
_SMALL_ABROAD = 20_000  # a place this small needs its country named in the article
# Bounded repetitions only: these run on article text, and must stay linear on any input (#19).
_NAME = r"[A-Z][\w'’-]{0,40}(?: [A-Z][\w'’-]{0,40})?"
_BEFORE = re.compile(r"(?<![\w'’-])(" + _NAME + r")\s{1,3}(?:region\s{1,3}|oblast\s{1,3}|state\s{1,3})?"
                     r"(?:town|city|village|port|settlement|district|suburb|county)\s{1,3}of\s{0,3}$")
_REGION_WORD = r"(?i:region|oblast|territory|krai|province)"
_AFTER = re.compile(r"^\s{0,3}(?:,|in|of)?\s{0,3}(?:the\s{1,3})?(?:[A-Z]\w{0,40}(?:'s|’s)\s{1,3})?"
                    r"(?:(?i:border|north|south|east|west|central)\w{0,8}\s{1,3})?"
                    r"(?:(" + _NAME + r")\s{1,3}" + _REGION_WORD + r"|" + _REGION_WORD + r"\s{1,3}of\s{1,3}(" + _NAME + r")|"
                    # "the Tsentralnyi and Zavodskyi districts of Uman": parts of that city
                    r"(?:and\s{1,3}[A-Z]\w{0,40}\s{1,3})?(?i:district|neighbou?rhood|suburb)s?\s{1,3}of\s{1,3}(?:the\s{1,3})?(" + _NAME + r"))")


def haversine_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places in km."""
    return great_circle_km(a.lat, a.lon, b.lat, b.lon)


class Resolver:
    """Scores gazetteer candidates of each toponym in the context of its article."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def resolve(self, doc, toponyms: list[Toponym]) -> list[Toponym]:
        """Set `place` of every toponym (None when no candidate); returns the same list."""
        context_cc, context_a1 = self._context(toponyms)
        containers = self._comma_containers(doc, toponyms)
        list_kinds = self._list_kinds(doc, toponyms)
        by_name: dict[tuple, Place | None] = {}
        # Unambiguous names first; they anchor the others.
        order = sorted(toponyms, key=lambda t: len({(c.country_code, c.admin1_code) for c in t.candidates}))
        anchors: list[Place] = []
        for t in order:
            if t.is_demonym:
                continue  # recognised with its country
            key = (t.name.casefold(), t.is_region_phrase, containers.get(id(t), ()), list_kinds.get(id(t)))
            if key in by_name:
                t.place, t.approximate = by_name[key]
                continue
            t.place = self._choose(doc, t, context_cc, context_a1, anchors, containers.get(id(t), ()),
                                   list_kinds.get(id(t)))
            if t.place is not None and t.place.feature == "country":
                t.place = self._own_named_city(t, t.place, toponyms) or t.place
            if t.place is not None and self._abroad(t, t.place, toponyms):
                t.place = None
            by_name[key] = (t.place, t.approximate)
            if t.place is not None and t.place.feature in ("city", "district"):
                anchors.append(t.place)  # divisions count through context_a1 instead
        self._second_look(doc, order, toponyms, context_cc, context_a1, containers, list_kinds)
        # "the Dnipropetrovsk region" ... "the Dnipropetrovsk advance": a bare name the article also
        # writes as a region phrase is that region when the city reading needs an old or foreign name.
        regions = {t.name.casefold(): t.place for t in toponyms
                   if t.is_region_phrase and t.place is not None and t.place.feature == "region"}
        for t in toponyms:
            region = regions.get(t.name.casefold())
            if region is not None and t.place is not None and t.place.feature == "city" and difflib.SequenceMatcher(
                    None, normalize_name(t.place.name), normalize_name(t.name)).ratio() < _VARIANT_SIMILARITY + 0.3:
                t.place = region  # (a spelling variant, "Vinnytsia" for "Vinnytsya", is still the city)
        self._country_parts(toponyms)
        self._division_codes(doc, toponyms)
        return toponyms

    def _division_codes(self, doc, toponyms) -> None:
        """'Horry County, SC': a code of two capitals after a place and a comma is that place's
        first-level division when the code is its ISO 3166-2 code (US postal codes, Canadian 'BC')."""
        for a, b in zip(toponyms, toponyms[1:]):
            between = doc[a.token_end: b.token_start]
            if a.place is None or not a.place.country_code or len(between) != 1 or between[0].text != ",":
                continue
            if re.fullmatch(r"[A-Z]{2}", b.name) and not b.is_demonym:
                region = self.gazetteer.region_by_iso(a.place.country_code, b.name)
                if region is not None and region.admin1_code == a.place.admin1_code:
                    b.place, b.approximate = region, False

    def _second_look(self, doc, order, toponyms, context_cc, context_a1, containers, list_kinds) -> None:
        """A county chosen before the names after it were resolved is chosen again with every other
        place of the article as an anchor ("Suffolk County" before "Southold" is read). Counties
        only: same-named counties are many and their size says little, while a town of the wrong
        size near one other place of the article ("Cambridge, Maryland" near Washington) is worse
        than the population prior."""
        placed = {(t.name.casefold(), t.place) for t in toponyms if not t.is_demonym and t.place is not None
                  and t.place.feature in ("city", "district")}
        again: dict[tuple, Place] = {}
        for t in order:
            if t.is_demonym or t.approximate or t.place is None or t.place.feature != "district" \
                    or len({(c.country_code, c.admin1_code) for c in t.candidates}) < 2:
                continue
            key = (t.name.casefold(), t.is_region_phrase, containers.get(id(t), ()), list_kinds.get(id(t)))
            if key not in again:
                others = list({p for name, p in placed if name != key[0]})
                place = self._choose(doc, t, context_cc, context_a1, others, containers.get(id(t), ()),
                                     list_kinds.get(id(t)))
                t.approximate = False
                ok = place is not None and place.feature == "district" and not self._abroad(t, place, toponyms)
                again[key] = place if ok else t.place
            t.place = again[key]

    @staticmethod
    def _country_parts(toponyms) -> None:
        """'Trinidad' in an article naming Trinidad and Tobago is that country, not the Bolivian
        city: a part of a compound country name the article writes whole ("Antigua", "Nevis")."""
        parts = {}
        for t in toponyms:
            p = t.place
            if p is not None and p.feature == "country" and " and " in p.name:
                for part in normalize_name(p.name).split(" and "):
                    parts[part.removeprefix("the ")] = p
        if not parts:
            return
        for t in toponyms:
            country = parts.get(normalize_name(t.name))
            if country is not None and not t.is_demonym and (t.place is None or t.place.feature != "country"):
                t.place, t.approximate = country, False

    @staticmethod
    def _named_countries(t: Toponym, toponyms) -> set[str]:
        """Countries the article's other names point to: a country, or a place found in one only."""
        named: set[str] = set()
        for o in toponyms:
            if o is t or o.is_demonym or o.name.casefold() == t.name.casefold():
                continue  # "Russian troops" names the actor, not where the place lies
            ccs = {c.country_code for c in o.candidates}
            if len(ccs) == 1:
                named |= ccs
            named |= {c.country_code for c in o.candidates if c.feature == "country"}
        return named

    def _own_named_city(self, t: Toponym, country: Place, toponyms) -> Place | None:
        """'Uman' is the Ukrainian city, not Oman under a transliterated alias; 'Holland' in an
        Irish article is still the Netherlands (an exonym, not a spelling variant)."""
        written = normalize_name(t.name)
        owns = [c for c in t.candidates if c.feature == "city" and normalize_name(c.name) == written
                and c.population >= _OWN_NAME_POPULATION]
        if not owns or normalize_name(country.name) == written:
            return None
        own = max(owns, key=lambda c: c.population)
        named = self._named_countries(t, toponyms)
        variant = difflib.SequenceMatcher(None, normalize_name(country.name), written).ratio() >= 0.7
        return own if own.country_code in named or (variant and country.country_code not in named) else None

    @classmethod
    def _abroad(cls, t: Toponym, place: Place, toponyms) -> bool:
        """A weak match outside every country the article names (a transliterated village read as
        a capital abroad, a surname read as a hamlet in Brazil): reached through an alias, or a small place, while the article's other
        names (a country, a place only found in one country) point elsewhere."""
        if place.feature not in ("city", "district", "region") or not place.country_code:
            return False
        own = normalize_name(place.name)
        written = normalize_name(t.name)
        alias = own != written and not own.startswith(written + " ") and not written.startswith(own + " ") \
            and difflib.SequenceMatcher(None, own, written).ratio() < 0.8  # "Quebec City", "Nikolaev": its own
        if place.feature == "region":
            if region_keys(t.name, []) & region_keys(place.name, []):
                return False  # "Adygea" for the Republic of Adygea: its own name
        elif not alias and place.population >= _SMALL_ABROAD:
            return False
        named = cls._named_countries(t, toponyms)
        return bool(named) and place.country_code not in named

    @staticmethod
    def _context(toponyms) -> tuple[dict[str, float], set[tuple[str, str]]]:
        """Context boost per country (share of mentions), and the divisions named unambiguously."""
        counts: dict[str, float] = {}
        divisions: set[tuple[str, str]] = set()
        for t in toponyms:
            if t.is_demonym:
                if t.place is not None and t.place.country_code:
                    counts[t.place.country_code] = counts.get(t.place.country_code, 0) + 0.5
                continue
            for c in t.candidates:
                if c.feature == "country":
                    counts[c.country_code] = counts.get(c.country_code, 0) + 2
            regions = {(c.country_code, c.admin1_code) for c in t.candidates if c.feature == "region"}
            if len(regions) == 1 and (t.is_region_phrase or all(c.feature != "city" or c.population < 20000
                                                                 for c in t.candidates)):
                cc, a1 = next(iter(regions))
                counts[cc] = counts.get(cc, 0) + 1
                divisions.add((cc, a1))
            # Names whose every candidate lies in one country ("Kharkiv", "Bakhmut") count too.
            ccs = {c.country_code for c in t.candidates}
            if len(ccs) == 1 and len(t.candidates) <= 3:
                cc = ccs.pop()
                counts[cc] = counts.get(cc, 0) + 0.5
        # Share of mentions, damped when there are few: one "Russian-installed" must not
        # outweigh the population prior ("Donetsk" is still the city in Ukraine).
        total = sum(counts.values()) or 1.0
        weight = 3.0 * min(1.0, total / 4)
        return {cc: weight * n / total for cc, n in counts.items()}, divisions

    def _comma_containers(self, doc, toponyms) -> dict[int, tuple]:
        """'Pleasanton, California', 'Salisbury, England': the second names the first's container."""
        out = {}
        for a, b in zip(toponyms, toponyms[1:]):
            between = doc[a.token_end: b.token_start]
            if len(between) == 1 and between[0].text == "," and not b.is_demonym:
                keys = tuple({(c.country_code, c.admin1_code if c.feature == "region" else "")
                              for c in b.candidates if c.feature in _CONTAINER_FEATURES})
                if keys:
                    out[id(a)] = keys
        return out

    def _list_kinds(self, doc, toponyms) -> dict[int, str]:
        """Toponym -> the feature its list mates share: "states such as California or Washington"
        (regions), "Russia, Georgia and Armenia" (countries). A list is three names or more, or
        names joined by "and"/"or"; each mate counts with its likeliest reading before context."""
        out: dict[int, str] = {}
        named = [t for t in toponyms if not t.is_demonym]
        chain: list = []
        joined = False
        for a, b in zip(named, named[1:] + [None]):
            if not chain:
                chain, joined = [a], False
            between = doc[a.token_end: b.token_start] if b is not None else ()
            if 1 <= len(between) <= 2 and all(x.lower_ in (",", "and", "or", "&") for x in between):
                chain.append(b)
                joined = joined or any(x.lower_ in ("and", "or", "&") for x in between)
                continue
            if len(chain) >= 3 or (len(chain) == 2 and joined):
                kinds = [max(m.candidates, key=lambda c, m=m: self._prior(c, m)).feature if m.candidates else None
                         for m in chain]
                for k, m in enumerate(chain):
                    mates = set(kinds[:k] + kinds[k + 1:])
                    if len(mates) == 1 and None not in mates and len({c.feature for c in m.candidates}) > 1:
                        out[id(m)] = mates.pop()
            chain = []
        return out

    def _adjacent_region(self, doc, t: Toponym) -> list[Place]:
        """Regions named next to the toponym: 'Zolochiv in the Kharkiv region', 'the Idaho town of Moscow'."""
        before = doc[max(0, t.token_start - 6): t.token_start].text
        mb = _BEFORE.search(before)
        if mb:
            # "The town of Yelets": "The" names no region ("The" is a gazetteer alias abroad)
            name = re.sub(r"^(?:The|In|At|Of|A|An)(?:\s+|$)", "", mb.group(1))
            # "the English city of Salisbury": a demonym names the country, not a town "English"
            country = self.gazetteer.demonym(name) if name else None
            if country is not None:
                return [country]
            if name:
                return list(self.gazetteer.candidates(name))
        m = _AFTER.match(doc[t.token_end: min(len(doc), t.token_end + 8)].text)
        return list(self.gazetteer.candidates(m.group(1) or m.group(2) or m.group(3))) if m else []

    def _choose(self, doc, t: Toponym, context_cc, context_a1, anchors: list[Place], containers,
                list_kind: str | None = None) -> Place | None:
        cands = list(t.candidates)
        if t.is_region_phrase and any(c.feature == "region" for c in cands):
            cands = [c for c in cands if c.feature == "region"]
        if not cands:
            return None
        written = normalize_name(t.name)
        # Another entry of some size bears the written name as its own: an unrelated alias
        # (Harare, once Salisbury; Casablanca, "White House" in translation) should lose to it.
        own_named = any(normalize_name(c.name) == written and c.population >= _OWN_NAME_POPULATION for c in cands)
        # ...and so should a town listing the name of another town of its own country as an alias
        # ("Southold" under South Bend); across borders an alias is usually a former or foreign name
        # ("Artemovsk" for Bakhmut).
        own_named_in = {c.country_code for c in cands if c.feature == "city"
                        and normalize_name(c.name) == written and c.population >= _VILLAGE_POPULATION}
        near_regions = self._adjacent_region(doc, t)
        near_admin = {(c.country_code, c.admin1_code) for c in near_regions if c.feature in ("region", "city")}
        near_country = {c.country_code for c in near_regions if c.feature == "country"}
        best, best_score = None, -1e9
        evidence: list[tuple[float, Place]] = []  # per candidate: its score less its prior
        for c in cands:
            s = self._prior(c, t)
            s += context_cc.get(c.country_code, 0.0)
            if c.feature in ("city", "district") and (c.country_code, c.admin1_code) in context_a1:
                # a county's own population is no guide: "McLean County" is the one in the named state
                s += 2.0 if c.feature == "district" else 1.0
            if (c.country_code, c.admin1_code) in near_admin:
                s += 8
            if c.country_code in near_country and c.feature != "country":
                s += 6
            if list_kind is not None and c.feature == list_kind:
                s += 2  # a name in a list of states is a state
            if containers and c.feature != "country" and any(
                    cc == c.country_code and (not a1 or a1 == c.admin1_code) for cc, a1 in containers):
                s += 6
            if anchors and c.feature in ("city", "district"):
                d = min(haversine_km(c, a) for a in anchors)
                s += 2 if d < 100 else 1 if d < 300 else 0.5 if d < 800 else 0
            elif c.feature == "region" and any((a.country_code, a.admin1_code) == (c.country_code, c.admin1_code)
                                                for a in anchors) and not _centre_named(c, cands, written):
                # "Washington" in an article about Seattle and Spokane is the state; "New York" in one
                # about Brooklyn is still the city the state is named after (it is near them too)
                s += 2
            # An alias shared by unrelated places ("Sloviansk" is also listed under Nikopol):
            # prefer the entry whose own name is spelled like the text.
            own = normalize_name(c.name)
            # A spelling variant ("Odesa" for "Odessa") is nearly as good as the own name.
            # "New York" for "New York City": the written name is the own name's first words.
            if own == written or own.split()[: len(written.split())] == written.split():
                s += 1.0
            else:
                similarity = difflib.SequenceMatcher(None, own, written).ratio()
                s += 0.5 * similarity
                if (own_named and similarity < _VARIANT_SIMILARITY) or (
                        c.feature == "city" and c.country_code in own_named_in and similarity < _SPELLING_SIMILARITY):
                    s -= _UNRELATED_ALIAS_PENALTY
            evidence.append((s - self._prior(c, t), c))
            if s > best_score:
                best, best_score = c, s
        if best is not None and _is_village(best):
            # Villages are many and their size is no evidence: only the article's context may
            # choose one. Same-named villages far apart with as much context as the best: the
            # division the article names for them, if exactly one, is what the text supports.
            own = next(e for e, c in evidence if c is best)
            tied = [c for e, c in evidence if _is_village(c) and e > own - _CONTEXT_MARGIN]
            if any(haversine_km(c, best) > _SAME_PLACE_KM for c in tied):
                named = {(c.country_code, c.admin1_code) for c in tied} & (set(context_a1) | near_admin)
                return self.gazetteer.region_of(*named.pop()) if len(named) == 1 else None
        if near_admin and best is not None and (best.country_code, best.admin1_code) not in near_admin:
            # "Hlyboke in the Kharkiv region" with no Hlyboke there in the gazetteer: the region
            # is the most specific place the text supports, better than a namesake elsewhere.
            region = next((c for c in near_regions if c.feature == "region"), None)
            if region is None and near_regions:
                city = max(near_regions, key=lambda c: c.population)
                if context_cc.get(city.country_code, 0.0) > 0:  # not "the English city of X"
                    region = self.gazetteer.region_of(city.country_code, city.admin1_code)
            if region is not None:
                # A village name shared by places in several other regions of that country
                # ("Pavlivka"): the named region is the reading; one namesake elsewhere is a guess.
                regions = {c.admin1_code for c in cands if c.country_code == region.country_code}
                t.approximate = len(regions) < 3
                return region
        if t.is_region_phrase and best is not None and best.feature == "city":
            region = self.gazetteer.region_of(best.country_code, best.admin1_code)
            # "the Lipetsk region" is the oblast named after its centre; "the Shchyolkovo region" (an
            # urban district the gazetteer lacks) stays at its town, not the whole Moscow Oblast.
            if region is not None and written in region_keys(region.name, []):
                return region
            if region is not None and region.population and best.population < 0.1 * region.population \
                    and not any(c.feature == "region" for c in t.candidates):
                return best
            if region is not None:
                return region
        return best

    def _prior(self, c: Place, t: Toponym) -> float:
        """The gazetteer prior, adjusted for "X region" phrases."""
        s = prior(c, c.geonameid in self.gazetteer.capitals)
        if t.is_region_phrase:
            s += 6 if c.feature == "region" else -1 if c.feature == "city" else 0
        elif c.feature == "region" and self._named_after_elsewhere(c, t.candidates):
            s += POP_WEIGHT / 2  # a third of the division, not a tenth: "Wyoming" is the state, not the city in Michigan
        return s

    def _named_after_elsewhere(self, region: Place, cands) -> bool:
        """The same-named cities all lie outside this division and none is a national capital: they
        are namesakes of the division ("Wyoming, Michigan", "Delaware, Ohio"), not the centre it is
        named after ("New York", "Kharkiv" are cities inside their divisions)."""
        cities = [o for o in cands if o.feature == "city"]
        return bool(cities) and all(
            (o.country_code, o.admin1_code) != (region.country_code, region.admin1_code)
            and o.geonameid not in self.gazetteer.capitals for o in cities)


def _centre_named(region: Place, cands, written: str) -> bool:
    """A city of the written name inside the division and a tenth of its size or more: the centre
    the division is named after ("New York"), not "Maryland City" for Maryland."""
    return any(o.feature == "city" and (o.country_code, o.admin1_code) == (region.country_code, region.admin1_code)
               and normalize_name(o.name).split()[: len(written.split())] == written.split()
               and 10 * o.population >= region.population for o in cands)


def _is_village(p: Place) -> bool:
    return p.feature == "city" and p.population < _VILLAGE_POPULATION
