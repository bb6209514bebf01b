"""Event extraction: spaCy parses + rules for type, place of occurrence, date and claims.

Per sentence: find trigger words (lemmas) that name an event type, drop those under modality or
negation ("is expected", "denied", "will"), attach each trigger to the places its clause talks
about (not where it was announced, not metonymic subjects like "Kyiv said", not reference points
like "east of Kharkiv"), resolve the date against the publication date, and attribute the claim
to the subject of the reporting verb ("the regional governor said") or "according to X".
Within one article, mentions of one occurrence are merged, keeping the most specific place.
"""
from __future__ import annotations

import dataclasses
import re
from datetime import date

from ..geometry import great_circle_km
from ..model import Article, Event, acled_types
from ..places import normalize_name
from .dates import COARSE_PRECISIONS, RELATIVE_KINDS, find_dates
from .grouping import SAME_OCCURRENCE_DAYS, SAME_OCCURRENCE_KM
from .toponyms import REGION_WORDS, Toponym, ToponymRecognizer

# lemma -> (event_type, sub_type). Weapon-dependent lemmas are checked in _trigger_type.
TRIGGERS = {
    "strike": ("strike", None), "hit": ("strike", None), "shell": ("strike", "shelling"),
    "shelling": ("strike", "shelling"), "bombard": ("strike", None), "bombardment": ("strike", None),
    "bomb": ("strike", "bomb"), "pound": ("strike", None), "target": ("strike", None),
    "airstrike": ("strike", "air strike"), "attack": ("strike", None), "derail": ("strike", "sabotage"), "derailed": ("strike", "sabotage"),
    "shoot": ("interception", None), "intercept": ("interception", None), "down": ("interception", None),
    "downed": ("interception", None), "destroy": ("interception", None), "repel": ("ground_fighting", None),
    "explosion": ("explosion", None), "blast": ("explosion", None), "explode": ("explosion", None),
    "fight": ("ground_fighting", None), "fighting": ("ground_fighting", None), "clash": ("ground_fighting", None),
    "assault": ("ground_fighting", None), "offensive": ("ground_fighting", None), "advance": ("ground_fighting", None),
    "push": ("ground_fighting", None), "storm": ("ground_fighting", None), "enter": ("ground_fighting", None),
    "cross": ("ground_fighting", None), "counterattack": ("ground_fighting", None), "outskirts": ("ground_fighting", None),
    "within": ("ground_fighting", None),
    "capture": ("territorial_change", "capture"), "take": ("territorial_change", "capture"),
    "seize": ("territorial_change", "capture"), "liberate": ("territorial_change", "capture"),
    "recapture": ("territorial_change", "capture"), "retake": ("territorial_change", "capture"),
    "regain": ("territorial_change", "capture"), "reclaim": ("territorial_change", "capture"),
    "occupy": ("territorial_change", "capture"), "withdraw": ("territorial_change", "withdrawal"),
    "retreat": ("territorial_change", "withdrawal"), "pull": ("territorial_change", "withdrawal"),
    "meet": ("diplomacy", "meeting"), "meeting": ("diplomacy", "meeting"), "visit": ("diplomacy", "visit"),
    "talk": ("diplomacy", "talks"), "summit": ("diplomacy", "summit"), "address": ("diplomacy", "speech"),
    "gather": ("diplomacy", "summit"), "arrive": ("diplomacy", "visit"),
    "fire": ("explosion", "fire"), "blaze": ("explosion", "fire"), "detonation": ("explosion", None),
    "suppress": ("interception", None), "leave": ("territorial_change", "withdrawal"),
    "fall": ("territorial_change", "capture"),
    "delegation": ("diplomacy", "talks"),
    "wound": ("strike", None), "injure": ("strike", None), "kill": ("strike", None), "drop": ("strike", "drone"),
    "damage": ("strike", None), "neutralize": ("interception", None), "neutralise": ("interception", None),
}
WEAPONS = {
    "missile": "missile", "missiles": "missile", "drone": "drone", "drones": "drone", "rocket": "missile",
    "rockets": "missile", "bomb": "glide bomb", "bombs": "glide bomb", "artillery": "shelling",
    "shelling": "shelling", "shahed": "drone", "shaheds": "drone", "atacms": "missile", "airstrike": "air strike",
    "uav": "drone", "uavs": "drone", "airstrikes": "air strike",
}
AIRBORNE = {"drone", "drones", "missile", "missiles", "rocket", "rockets", "shahed", "shaheds", "uav", "uavs",
            "aircraft", "helicopter", "helicopters", "jet", "jets", "vehicles"}
# Objects whose attack is a remote strike, not a ground assault ("attacked an oil terminal").
FACILITIES = {"building", "buildings", "infrastructure", "depot", "refinery", "terminal", "warehouse", "arsenal",
              "airfield", "airfields", "base", "plant", "port", "ports", "facility", "facilities", "station",
              "substation", "tank", "tanks", "bridge", "headquarters", "hospital", "school", "house", "houses",
              "district", "districts", "city", "neighborhood", "neighbourhood", "enterprise"}
# Titles whose place names whom they speak for ("the governor of the Lipetsk region", "Kyiv mayor").
TITLES = {"governor", "mayor", "head", "chief", "administration", "authorities", "authority", "council",
          "spokesman", "spokesperson", "official", "officials", "ministry", "minister", "police", "prosecutor",
          "commander", "military", "government", "regime", "aide", "adviser", "advisor", "envoy", "leader",
          "leadership", "media", "outlet", "agency", "channel", "correspondent", "republic"}
# Seats of government named for the government ("the Kremlin said"); capitals are taken from the gazetteer.
SEATS = {"kremlin", "white house", "pentagon", "downing street", "elysee", "bankova"}
_STATE_ADVERBS = ("temporarily", "currently", "still", "previously", "formerly", "partially", "illegally")
CAPTURABLE = {"village", "town", "city", "settlement", "hamlet", "control", "district", "area", "territory",
              "region", "island", "position", "most", "part", "outskirts", "rest", "half", "bridgehead",
              "height", "locality", "community", "it", "them"}
SETTLEMENT_NOUNS = {"village", "town", "city", "settlement", "hamlet", "locality"}
INDEFINITE = {"a", "an", "another", "several", "some", "two", "three", "four", "five", "more", "other", "many"}
MODIFIERS_NOT_HAPPENED = {"potential", "future", "possible", "planned", "proposed", "upcoming", "previous",
                          "next", "hypothetical", "alleged", "prospective", "trilateral"}
MILITARY = {"troops", "forces", "units", "soldiers", "army", "brigade", "fighters"}
GROUND = {"troops", "units", "soldiers", "brigade", "fighters", "infantry", "assault", "paratroopers", "saboteurs"}
REPORTING = {"say", "report", "announce", "claim", "state", "add", "tell", "confirm", "write", "post",
             "describe", "according", "comment", "deny", "accuse", "warn", "declare"}
MODAL_AUX = {"will", "would", "could", "may", "might", "should", "can", "must"}
NON_EVENT_HEADS = {"expect", "plan", "deny", "threaten", "intend", "aim", "hope", "want", "prepare",
                   "consider", "prioritize", "necessary", "need", "ask", "promise", "urge", "call", "fear",
                   "limit", "protect", "prevent", "help", "try", "seek", "policy", "strategy", "campaign",
                   "effort", "about", "discuss", "speak", "reject", "suggestion", "possibility", "risk",
                   "able", "likely", "invite", "invitation", "propose", "offer", "demand", "forecast",
                   "predict", "analysis", "significance", "goal", "ready", "order", "spare", "spared"}
# Habitual or vague times: background, not an event of a day ("almost every night in recent weeks").
VAGUE_TIME = re.compile(r"\b(?:in recent (?:days|weeks|months|years)|(?:almost |nearly )?every (?:day|night|week)|"
                        r"for (?:more than |over |almost |nearly )?(?:\w{1,12} )?(?:weeks|months|years)|"
                        r"repeated(?:ly)?|time and again|since (?:the start|the beginning|the outbreak)|"
                        r"constant(?:ly)?|daily|regularly|routinely|frequently|almost daily|"
                        r"(?:the )?(?:first|second|third|fourth|fifth|sixth|seventh|\d{1,2}th) (?:time|reported attack)|"
                        r"is about to|about to (?:capture|take|seize|storm|launch))\b", re.I)
REGIONAL_SOURCE = re.compile(r"\b(?:the )?(?:regional|local) (?:governor|authorities|administration)\b", re.I)
DEBRIS = re.compile(r"\b(?:debris|fragments?|wreckage|falling|fell)\b", re.I)
# "over the capital", "in the Ukrainian capital" (not "the capital of ...", not "capital city Kyiv").
CAPITAL = re.compile(r"\bthe (?:([A-Z][a-z]{2,20}) )?capital\b(?! of\b)(?!,? [A-Z])")
# "across the country", "its airspace": the text itself makes a country-wide event.
COUNTRY_WIDE = re.compile(r"\b(?:airspace|nationwide|across the country|throughout the country|all over the country|"
                          r"across (?:all|most) (?:of )?(?:the )?regions)\b", re.I)
COMPASS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
           "north-east", "north-west", "south-east", "south-west"}
ANAPHORA = re.compile(r"\bthe (?P<mod>border |frontline |front-line |surrounding |same )?"
                      r"(?P<word>region|peninsula|city|town|village|area|oblast|province|territory)\b(?! of\b)", re.I)
UNVERIFIED = re.compile(r"(?:could not|cannot|was unable to|were unable to) (?:(?:be|initially|immediately|independently) ){0,4}"
                        r"(?:verif(?:y|ied)|confirm(?:ed)?)|unverified|not (?:be )?independently verified", re.I)
ACTOR_SIDES = {"russian": "Russian forces", "russia": "Russian forces", "moscow": "Russian forces",
               "ukrainian": "Ukrainian forces", "ukraine": "Ukrainian forces", "kyiv": "Ukrainian forces",
               "belarusian": "Belarusian forces"}


_TYPE_PRIORITY = ["territorial_change", "interception", "strike", "explosion", "ground_fighting", "diplomacy"]
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
PRECISION_RANK = {"place": 0, "region": 1, "country": 2}
EXTRACTOR_VERSION = "rules-3"  # #11: stored articles of older rules are re-extracted


def _num(s: str) -> int | None:
    s = s.lower().replace(",", "")
    return int(s) if s.isdigit() else _WORD_NUMBERS.get(s)


# A number starts after no digit and has at most 12 characters; spaces are bounded too, so each
# pattern does a bounded amount of work per position: linear time on any article text (#19).
_NUM = r"(?<![\d,])(\d[\d,]{0,12}|\b(?:" + "|".join(_WORD_NUMBERS) + r")\b)"
_QUANTITY_PATTERNS = [(key, re.compile(pat, re.I)) for key, pat in (
    ("killed", _NUM + r"\s{1,3}(?:(?:people|civilians|persons|soldiers)\s{1,3})?(?:were\s{1,3}|was\s{1,3})?killed"),
    ("killed", r"kill(?:ed|ing)\s{1,3}(?:at least\s{1,3}|more than\s{1,3})?" + _NUM),
    ("wounded", _NUM + r"\s{1,3}(?:(?:people|civilians|persons)\s{1,3})?(?:were\s{1,3}|was\s{1,3})?(?:wounded|injured)"),
    ("wounded", r"(?:wound|injur)(?:ed|ing)\s{1,3}(?:at least\s{1,3}|more than\s{1,3})?" + _NUM),
    ("downed", r"(?:shot down|destroyed|intercepted|downed)\s{1,3}(?:at least\s{1,3})?" + _NUM),
    ("launched", _NUM + r"\s{1,3}of\s{1,3}" + _NUM + r"\s{1,3}(?:\w{1,30}\s{1,3})?(?:missiles|drones)"),
)]


def quantities(sentence: str) -> dict[str, int]:
    """Counts stated in a sentence: killed, wounded, downed, launched."""
    q: dict[str, int] = {}
    for key, pat in _QUANTITY_PATTERNS:
        m = pat.search(sentence)
        if m and key not in q:
            n = _num(m.group(m.lastindex))
            if n is not None:
                q[key] = n
    return q


class EventExtractor:
    """Turns parsed articles into events using a ToponymRecognizer (which owns the gazetteer)."""

    def __init__(self, recognizer: ToponymRecognizer):
        self.recognizer = recognizer
        self._capitals: dict[str, object] = {}  # country code -> its capital's Place (or None)

    def extract(self, article: Article, doc) -> list[Event]:
        """Events of one article from its spaCy doc."""
        toponyms = self.recognizer.resolve(doc, self.recognizer.recognize(doc))
        ends = {t.token_end - 1 for t in toponyms if t.place is not None}  # last tokens of toponyms
        # Also names the gazetteer could not place, but not people spaCy recognised.
        self._named_ends = {t.token_end - 1 for t in toponyms if doc[t.token_end - 1].ent_type_ != "PERSON"}
        self._unplaced_ends = {e for e in self._named_ends if e not in ends}
        self._by_end = {t.token_end - 1: t for t in toponyms}
        events: list[Event] = []
        recent: list[Toponym] = []
        last_date: str | None = None
        sents = _sentences(doc)
        text = doc.text  # built from the tokens on every access: once per article
        headings = {sent.start_char for sent in sents if _is_heading(sent, text)}
        self._headings = headings
        unplaced: dict[str, set[str]] = {}  # type -> explicit dates of body triggers that found no place
        for si, sent in enumerate(sents):
            sent_tops = [t for t in toponyms if sent.start <= t.token_start < sent.end and t.place
                         and not t.is_demonym]
            next_text = sents[si + 1].text if si + 1 < len(sents) else ""
            ev_date, date_prec = self._date(article, sent, last_date)
            claimed = self._claimed_by(sent)
            verified = False if UNVERIFIED.search(sent.text + " " + next_text) else None
            qty = quantities(sent.text)
            sent_events = []
            triggers = self._triggers(sent)
            if date_prec in COARSE_PRECISIONS:
                triggers = []  # "in February", "recently": background without a day (optional at most)
            if triggers and VAGUE_TIME.search(sent.text) and not any(
                    m.precision == "day" and m.kind not in RELATIVE_KINDS for m in find_dates(sent.text, article.published)):
                triggers = []  # habitual or vague: background, no event of a day
            self._trigger_ids = {t.i for t, _, _ in triggers}
            linked = [(trig, etype, sub, self._places_for(trig, sent, sent_tops, etype, ends)) for trig, etype, sub in triggers]
            any_linked = any(places for *_, places in linked)
            explicit_date = any(m.value is not None for m in find_dates(sent.text, article.published))
            for trig, etype, sub, places in linked:
                how = "linked"
                if not places and not any_linked and etype != "diplomacy":
                    # The parse did not link the trigger to a place: any event place of the sentence.
                    places = self._places_for(None, sent, sent_tops, etype, ends)
                    how = "sentence"
                if not places:
                    how = "anaphora"
                    # "Uman authorities reported that drones were downed in the city"
                    earlier = [t for t in sent_tops if t.token_end <= trig.i and t.place.feature != "country"
                               and self._titled(t, doc)]
                    places = [] if self._names_unplaced(trig) else self._anaphora(sent, recent + earlier)
                    if not places and earlier and (etype == "interception" or trig.lemma_ in ("wound", "injure", "kill")) \
                            and not self._names_unplaced(trig):
                        # "Tambov governor said a civilian was wounded by a drone": the governor's region.
                        how = "jurisdiction"
                        places = self._jurisdiction(earlier[-1], doc)
                if len(places) == 1 and etype == "diplomacy" and sub in ("visit", "talks") and \
                        places[0].place.feature == "country" and self._destination(places[0], trig, doc):
                    # "Guterres arrived in Ukraine", "visited Russia, where he met Putin": its capital.
                    capitals = [self._capital_of(p.place.country_code) for p in places]
                    places = [Toponym(p.start, p.end, p.name, p.token_start, p.token_end, place=c)
                              for p, c in zip(places, capitals) if c is not None]
                    how = "capital"
                if places and etype in ("strike", "interception", "explosion") and all(
                        p.place.feature in ("country", "continent") for p in places) and REGIONAL_SOURCE.search(sent.text):
                    # "A drone damaged a depot in southwestern Russia, the regional governor said."
                    # + "... the governor of the Lipetsk region said": that governor's region.
                    nxt_tops = [t for t in toponyms if si + 1 < len(sents) and sents[si + 1].start <= t.token_start
                                < sents[si + 1].end and t.place is not None and self._titled(t, doc)]
                    if nxt_tops:
                        how = "jurisdiction"
                        places = self._jurisdiction(nxt_tops[0], doc)
                trig_date = ev_date
                if trig.head.lemma_ == "continue" and article.published:
                    trig_date = article.published.isoformat()  # ongoing: as of publication
                actors = self._actors(trig)
                if not places and sent.start_char not in headings and ev_date and ev_date != (
                        article.published.isoformat() if article.published else None):
                    unplaced.setdefault(etype, set()).add(ev_date)
                for top in self._most_specific(places):
                    if not self._placeable(top, sent.text):
                        continue
                    ev = self._event(article, sent, top, etype, sub, trig_date, date_prec, claimed, verified, qty)
                    ev.actors = actors
                    ev.confidence = confidence(
                        trigger=trig.lemma_.lower(), linked=how, top=top, sentence=sent.text, claimed=claimed,
                        verified=verified, explicit_date=explicit_date, heading=sent.start_char in headings)
                    sent_events.append(ev)
            sent_events = self._drop_containing_regions(self._drop_country_level(sent_events))
            events.extend(self._dedupe_sentence(_debris_of_interceptions(sent_events, sent.text)))
            if sent_events:
                last_date = sent_events[-1].date
            recent.extend(t for t in sent_tops if t.place.feature != "country" and not self._not_a_place(t, doc))
        # Headline repeats go first: the body's mention must not merge into the headline's.
        return drop_explained_explosions(merge_mentions(drop_headline_repeats(events, headings, unplaced)))

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

    # -- triggers ----------------------------------------------------------------------------
    def _triggers(self, sent):
        """(token, type, sub-type) of the sentence's event words; `self._rejected_ids` gets the
        events the rules turned down ("captured another village", plans): places under them are
        theirs, not any other trigger's."""
        self._rejected_ids = set()
        text_l = sent.text.lower()
        sent_has_weapon = any(w in WEAPONS for w in re.findall(r"[a-z]+", text_l))
        doc_has_weapon = any(t.lower_ in WEAPONS for t in sent.doc)
        military = any(t.lower_ in MILITARY for t in sent)
        # Title Case in headlines: "Russian Missiles Strike ..."
        heading = sent.start_char in getattr(self, "_headings", ()) or _is_heading(sent, sent.text) and sent.start == 0
        found = []
        for tok in sent:
            # The weapon must belong to this trigger ("missile attack", "drones struck"), not to
            # another clause of the sentence ("attack ... while it bombards Kharkiv with missiles").
            near = {t.lower_ for t in tok.subtree} if tok.pos_ == "NOUN" else set()
            near |= {t.lower_ for t in tok.doc[max(sent.start, tok.i - 4): min(sent.end, tok.i + 4)]}
            near |= {t.lower_ for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "agent", "prep") for t in c.subtree}
            has_weapon = bool(near & WEAPONS.keys())
            lemma = tok.lemma_.lower()
            if lemma not in TRIGGERS and tok.lower_ not in TRIGGERS:
                continue
            etype, sub = TRIGGERS.get(lemma) or TRIGGERS[tok.lower_]
            if tok.is_title and tok.i > sent.start and not heading and (
                    tok.pos_ == "PROPN" or tok.dep_ == "compound" and tok.head.pos_ == "PROPN"):
                continue  # "the Special Assault Brigade", "Operation Storm": part of a name
            if lemma == "shoot" and not any(c.lower_ == "down" for c in tok.children):
                continue
            if lemma in ("take", "suppress") and (any(c.lower_ == "down" for c in tok.children) or lemma == "suppress"):
                # "Moldova took down two drones", "electronic warfare suppressed the drones"
                if not {t.lower_ for c in tok.children if c.dep_ in ("dobj", "nsubjpass") for t in c.subtree} & AIRBORNE:
                    continue
                etype, sub = "interception", None
            if lemma in ("wound", "injure", "kill", "damage") and not self._by_weapon(tok):
                continue  # "a civilian was wounded by a Ukrainian drone" is a strike; other deaths are not
            if lemma in ("neutralize", "neutralise") and not (
                    {t.lower_ for c in tok.children if c.dep_ in ("dobj", "nsubjpass") for t in c.subtree} & AIRBORNE):
                continue  # "air defences neutralised 20 drones"
            if lemma == "drop" and not (sent_has_weapon and re.search(r"\b(?:explosives?|bombs?|grenades?|munitions?)\b", text_l)):
                continue  # "a drone dropped an explosive device on the building"
            if lemma == "fall":
                # "the town had fallen under the full control of Russian forces", "the town fell to Russia"
                if not any(c.dep_ == "prep" and (c.lower_ == "to" or c.lower_ == "under" and any(
                        t.lemma_ == "control" for t in c.subtree)) for c in tok.children):
                    continue
            if lemma == "leave" and not (military and any(c.dep_ == "dobj" for c in tok.children)):
                continue  # "troops had left the town of Vuhledar": a withdrawal
            if lemma == "pull":
                if not any(c.lower_ in ("back", "out") for c in tok.children):
                    continue
                etype, sub = "territorial_change", "withdrawal"  # "pulled back from two villages"
            if lemma in ("down", "downed") and not (tok.pos_ in ("ADJ", "VERB") or tok.head.lemma_ == "shoot"):
                continue
            if lemma in ("target", "storm") and tok.pos_ != "VERB":
                continue  # "a valuable target for Russia", "the storm": no attack
            prev_word = tok.doc[tok.i - 1].lower_ if tok.i > 0 else ""
            if lemma == "occupy" and (tok.dep_ in ("amod", "compound", "acl") or tok.pos_ == "ADJ"
                                      or prev_word in ("-", "–", "in", "the") or prev_word.endswith(_STATE_ADVERBS)
                                      or any(c.lower_.endswith(_STATE_ADVERBS) for c in tok.children)):
                continue  # "temporarily occupied Nova Kakhovka", "Russian-occupied": a state, not a capture
            if sub == "capture" and not self._capturable(tok):
                self._rejected_ids.add(tok.i)
                continue  # "regained the initiative", "the HQ was taken over": no territory changed hands
            if lemma in ("fire", "blaze"):
                if tok.pos_ != "NOUN" or not self._is_fire(tok):
                    continue
                if tok.head.lower_ == "under":
                    etype, sub = "strike", "shelling"  # "came under fire"
            if lemma in ("fire", "blaze", "explode") and etype == "explosion" and (
                    sent_has_weapon or re.search(r"\b(?:attacks?|strikes?|shelling)\b", text_l)):
                etype, sub = "strike", None  # "a fallen drone caused a fire at the refinery"
            if lemma == "destroy":
                # "destroyed 57 drones" is air defence at work; "destroyed an air defence system" a strike.
                objects = {t.lower_ for c in tok.children if c.dep_ in ("dobj", "nsubjpass") for t in c.subtree}
                if objects & AIRBORNE:
                    etype = "interception"
                elif objects:
                    etype = "strike"
                elif not sent_has_weapon:
                    continue
            facility = lemma in ("attack", "hit", "strike") and self._hits_facility(tok)
            if lemma == "attack" and not has_weapon and not facility:
                # "troops attacked" and "launched a major attack" (an offensive) are ground fighting;
                # "the attack" in a report about drones refers back to the strike.
                local_military = any(t.lower_ in MILITARY for t in tok.doc[max(sent.start, tok.i - 6): tok.i + 6])
                launched = tok.dep_ == "dobj" and tok.head.lemma_ in ("launch", "mount", "begin", "start")
                if local_military or launched or not doc_has_weapon or self._hits_positions(tok):
                    etype = "ground_fighting"
            if lemma in ("target", "hit", "strike") and not has_weapon and not sent_has_weapon and not facility and military:
                etype = "ground_fighting"
            if lemma in ("derail", "derailed") and not doc_has_weapon:
                continue
            if lemma in ("enter", "cross", "push", "within", "outskirts", "advance") and not military:
                continue
            if lemma == "take" and not any(c.dep_ in ("dobj", "nsubjpass") for c in tok.children):
                continue
            if lemma == "arrive" and not re.search(r"\b(talks|visits?|meetings?|meet|summit|conference|negotiations)\b", text_l):
                continue  # "arrived in Kyiv for talks" is a visit; troops arriving is not
            if lemma == "address" and not any("parliament" in c.text.lower() or "summit" in c.text.lower()
                                               for c in tok.subtree):
                continue
            if etype == "strike" and sub is None:
                sub = next((WEAPONS[w] for w in re.findall(r"[a-z]+", text_l) if w in WEAPONS), None)
            if lemma == "repel" and any(w in text_l for w in ("drone", "missile", "air attack", "air defen")):
                etype = "interception"
            if self._non_event(tok) or self._background(tok):
                self._rejected_ids.add(tok.i)
                continue
            found.append((tok, etype, sub))
        if any(e == "strike" for _, e, _ in found):
            found = [f for f in found if f[1] != "explosion"]  # explosions of an attributed attack
        # "destroyed all drones with which Russia attacked Kyiv": the attack told inside an
        # interception is that interception's place, not a strike.
        # "repelled a drone attack on the city": the attack that was repelled is no strike either.
        shot = {c.i for t, e, _ in found if e == "interception" for c in t.children if c.dep_ in ("dobj", "nsubjpass")}
        return [f for f in found if not (f[1] == "strike" and (
            f[0].dep_ in ("relcl", "acl") and f[0].head.i in shot or f[0].i in shot))]

    @staticmethod
    def _capturable(tok) -> bool:
        """Whether a capture verb takes a territory the text names: a name, a named settlement or
        control — not "the initiative", "the headquarters" or "another village" (which one?)."""
        objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if not objs or tok.pos_ == "NOUN":
            return True
        for o in objs:
            unnamed = o.lemma_.lower() in SETTLEMENT_NOUNS and any(
                c.lower_ in INDEFINITE for c in o.children if c.dep_ in ("det", "nummod", "amod")) and not any(
                c.dep_ in ("appos", "compound") or (c.dep_ == "prep" and c.lower_ == "of") for c in o.children)
            if unnamed:
                return False
        return any(o.pos_ in ("PROPN", "PRON", "NUM") or o.lemma_.lower() in CAPTURABLE for o in objs)

    @staticmethod
    def _is_fire(tok) -> bool:
        """'a fire broke out at the depot', 'caught fire', 'on fire' — not 'artillery fire',
        'opened fire' or 'playing with fire'."""
        if any(c.lower_ in ("artillery", "mortar", "tank", "sniper", "rocket", "small", "friendly", "counter")
               for c in tok.children if c.dep_ in ("compound", "amod")):
            return False
        # "the fire was extinguished after 16 days": the end of a fire that started earlier
        return tok.head.lemma_.lower() not in ("open", "return", "play", "cease", "exchange", "with", "hold",
                                               "extinguish", "contain", "localize", "localise", "put")

    @staticmethod
    def _hits_facility(tok) -> bool:
        """'attacked an oil terminal', 'an attack on a residential building': a remote strike."""
        for c in tok.children:
            if c.dep_ in ("dobj", "nsubjpass") or (c.dep_ == "prep" and c.lower_ in ("on", "against")):
                if any(t.lower_ in FACILITIES for t in c.subtree):
                    return True
        return False

    @staticmethod
    def _by_weapon(tok) -> bool:
        """'wounded by a Ukrainian drone', 'shelling killed two civilians': the agent or subject is
        a weapon or an attack."""
        agents = [t for c in tok.children if c.dep_ in ("agent", "nsubj") for t in c.subtree]
        return any(t.lower_ in WEAPONS or t.lemma_.lower() in ("strike", "attack", "shelling", "shell") for t in agents)

    @staticmethod
    def _hits_positions(tok) -> bool:
        """'attacking positions near Vovchansk': an assault on troops, not a remote strike."""
        return any(c.lemma_.lower() in ("position", "line", "defence", "defense", "trench", "troop", "unit")
                   for c in tok.children if c.dep_ == "dobj")

    @staticmethod
    def _background(tok) -> bool:
        """'Kuleba, who visited Washington last month, said ...': a person's past, not news;
        'in Yelets, which was liberated by paratroopers, the flag was raised': a place's past."""
        node = tok if tok.pos_ in ("VERB", "AUX") else tok.head
        if node.dep_ != "relcl" or node.head.pos_ != "PROPN":
            return False
        if any(c.lower_ in ("who", "whom") for c in node.children):
            return True
        return TRIGGERS.get(tok.lemma_.lower(), ("", ""))[0] == "territorial_change" and any(
            c.lower_ in ("which", "that") for c in node.children)

    @staticmethod
    def _non_event(tok) -> bool:
        """Plans, expectations, denials, negations and hypotheticals are no events; nor are a
        "potential" or "previous" one, or one only named as the time of something else ("after
        liberation", "following a strike")."""
        if tok.pos_ == "NOUN" and any(c.lower_ in MODIFIERS_NOT_HAPPENED for c in tok.children if c.dep_ == "amod"):
            return True
        if tok.pos_ == "NOUN" and tok.dep_ == "pobj" and tok.head.lower_ in ("after", "following", "since"):
            return True
        node, depth = tok, 0
        while depth < 4:
            for c in node.children:
                if c.dep_ == "neg" or (c.dep_ in ("aux", "auxpass") and c.lower_ in MODAL_AUX):
                    return True
                if c.dep_ == "mark" and c.lower_ in ("if", "unless"):
                    return True
                if c.dep_ == "det" and c.lower_ == "no":
                    return True
            if node.lemma_.lower() in REPORTING or node.head is node:
                break
            node = node.head
            depth += 1
            if (node.lemma_.lower() in NON_EVENT_HEADS or node.lower_ in NON_EVENT_HEADS) and not (
                    node.lemma_ == "consider" and any(c.dep_ == "auxpass" for c in node.children)):
                return True  # (but "this is considered the biggest success since the offensive")
            if node.lemma_.lower() in ("be",) and any(c.lower_ == "expected" for c in node.children):
                return True
        return False

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
        if nxt is not None and nxt.text in ("-", "–") and top.token_end + 1 < len(doc) and doc[top.token_end + 1].lower_ in ("based", "backed", "supplied", "made"):
            return True  # "Washington-based", "US-supplied"
        if nxt is not None and nxt.text in ("'s", "’s") and top.place.feature == "country":
            return True  # "Ukraine's Kharkiv region": a qualifier, not the place
        if top.place.feature == "country" and last.dep_ in ("nsubj", "nsubjpass") and not (
                etype == "interception" and COUNTRY_WIDE.search(last.sent.text)):
            return True  # "the US approved an aid package": the country acts, it is no place
        if prev is not None and prev.lower_ == "of" and prev2 is not None and (prev2.lower_ in COMPASS or prev2.lower_ in ("km", "kilometres", "kilometers", "miles")) and prev2.lower_ not in ("kilometres", "km") \
                and not (top.token_start >= 3 and doc[top.token_start - 3].lower_ == "the"):
            return True  # "east of Kharkiv": a reference point (but "in the south of the region" is inside)
        if prev is not None and prev.lower_ == "from" and etype not in ("diplomacy", "territorial_change"):
            return True  # "drones launched from Ukraine": the origin (but "withdrew from X" is X)
        if nxt is not None and nxt.lower_ in ("river", "sea", "lake", "reservoir", "mountains", "canal"):
            return True  # "across the Dnipro river": a river, not the city of the same name
        if prev is not None and prev.lower_ in ("near", "outside") and prev2 is not None and prev2.ent_type_ in ("GPE", "LOC", "FAC", "") \
                and top.token_start - 2 in ends:
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
        if last.dep_ == "pobj" and head.lower_ in ("in", "from") and head.head.lemma_.lower() in REPORTING and etype != "diplomacy":
            return True
        if last.dep_ == "pobj" and head.head.lemma_.lower() in ("official", "officials") and head.head.head.lemma_.lower() in REPORTING:
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
                    and (prev.place.country_code, prev.place.admin1_code) == (top.place.country_code, top.place.admin1_code))
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
        k = top.token_end if top.token_end < len(doc) and doc[top.token_end].lower_ in REGION_WORDS else top.token_end - 1
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

    # -- date and claims ---------------------------------------------------------------------
    @staticmethod
    def _date(article: Article, sent, last_date: str | None) -> tuple[str | None, str]:
        mentions = find_dates(sent.text, article.published, sent.start_char)
        doc = sent.doc

        def on_reporting_verb(m) -> bool:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                return False
            node = span.root
            for _ in range(3):
                node = node.head
                if node.lemma_.lower() in REPORTING:
                    return True
                if node.pos_ == "VERB":
                    return False
            return False

        reported = [m for m in mentions if on_reporting_verb(m)]
        event_dates = [m for m in mentions if m not in reported] or mentions
        report_day = next((m.value for m in reported if m.value is not None), None)
        if report_day is not None and event_dates is not mentions and all(m.kind in RELATIVE_KINDS for m in event_dates):
            # "shelled X overnight, the governor said on Tuesday": overnight before Tuesday's statement.
            starts = {m.start for m in event_dates}
            event_dates = [m for m in find_dates(sent.text, report_day, sent.start_char) if m.start in starts]
        for m in event_dates:
            if m.kind == "hours_earlier":
                if last_date:
                    return last_date, "day"
                continue
            if m.value is not None:
                return m.value.isoformat(), m.precision
        if article.published:
            return article.published.isoformat(), "day"
        return None, "day"

    @staticmethod
    def _actors(trig) -> list[str]:
        """Who acted: the side named in the trigger's subject or modifiers ("Russian troops", "Ukraine's air force")."""
        clause = trig if trig.pos_ in ("VERB", "AUX") else trig.head
        words = [t for t in trig.lefts] + [t for c in clause.children if c.dep_ in ("nsubj", "nsubjpass", "agent")
                                             for t in c.subtree]
        if trig.pos_ == "NOUN":
            words += [t for t in trig.subtree if t.i < trig.i]
        sides = []
        for t in words:
            side = ACTOR_SIDES.get(t.lower_)
            if side and side not in sides:
                sides.append(side)
        return sides[:2]

    @staticmethod
    def _claimed_by(sent) -> str | None:
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
                objs = [c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"]
                if objs:
                    return _span_text(objs[0])
        for tok in sent:
            if tok.lemma_.lower() in REPORTING - {"according", "comment", "deny", "add"} and tok.pos_ == "VERB":
                subj = [c for c in tok.children if c.dep_ == "nsubj"]
                if subj and subj[0].pos_ != "PRON":
                    return _span_text(subj[0])
        return None

    @staticmethod
    def _event(article, sent, top, etype, sub, ev_date, date_prec, claimed, verified, qty) -> Event:
        p = top.place
        precision = {"country": "country", "region": "region"}.get(p.feature, "place")
        acled_type, acled_sub = acled_types(etype, sub)
        return Event(
            acled_event_type=acled_type, acled_sub_event_type=acled_sub,
            article_id=article.id, event_type=etype, sub_type=sub, evidence=sent.text.strip(),
            evidence_start=sent.start_char + (len(sent.text) - len(sent.text.lstrip())),
            evidence_end=sent.start_char + len(sent.text.rstrip()),
            place=p.name, lat=round(p.lat, 5), lon=round(p.lon, 5), country_code=p.country_code,
            admin1=p.admin1_name if p.feature != "country" else None, precision=precision,
            date=ev_date, date_precision=date_prec, claimed_by=claimed, verified=verified,
            quantities=dict(qty), geonameid=p.geonameid if p.geonameid > 0 else None, geo_source=p.source,
        )

    @staticmethod
    def _drop_country_level(events: list[Event]) -> list[Event]:
        """'a summit near Lucerne on peace in Ukraine': the country is context, not a second event."""
        finer = {e.event_type for e in events if e.precision != "country"}
        return [e for e in events if e.precision != "country" or e.event_type not in finer]

    @staticmethod
    def _drop_containing_regions(events: list[Event]) -> list[Event]:
        """'pushed into the Lipetsk region, attacking positions near Yelets': one occurrence,
        placed at the town the sentence names inside that region."""
        places = {(e.event_type, e.country_code, e.admin1) for e in events if e.precision == "place"}
        return [e for e in events if e.precision != "region" or (e.event_type, e.country_code, e.admin1) not in places]

    @staticmethod
    def _dedupe_sentence(events: list[Event]) -> list[Event]:
        out, seen = [], set()
        for e in events:
            key = (e.event_type, e.geonameid, e.place)
            if key not in seen:
                seen.add(key)
                out.append(e)
        return out


_CONTAINER_FILLER = {"the", "'s", "’s", "border", "northern", "southern", "eastern", "western", "central",
                     "north", "south", "east", "west", "northeastern", "northwestern", "southeastern",
                     "southwestern", "occupied", "annexed", "neighbouring", "neighboring", "russian", "ukrainian"}
_MONTH_ABBR = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.I)


def _sentences(doc) -> list:
    """spaCy's sentences, cut again at line breaks: a headline, a photo caption, a byline or a
    dateline stands alone instead of lending its places to the next sentence."""
    out = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if tok.is_space and "\n" in tok.text and tok.i + 1 < sent.end:
                if any(not t.is_space for t in doc[start: tok.i + 1]):
                    out.append(doc[start: tok.i + 1])
                start = tok.i + 1
        if any(not t.is_space for t in doc[start: sent.end]):
            out.append(doc[start: sent.end])
    return out


def _dateline(doc, top: Toponym) -> bool:
    """'TBILISI, June 3 (Reuters) -', 'MINSK (AP) -', 'LIPETSK, May 3. /TASS/.': the place a
    report was filed from, at the start of a line."""
    i = top.token_start
    if i > 0 and not (doc[i - 1].is_space and "\n" in doc[i - 1].text) and not doc[i - 1].text.endswith("\n"):
        return False
    name = doc[i: top.token_end].text
    nxt = [t for t in doc[top.token_end: top.token_end + 6] if not t.is_space]
    if not nxt:
        return False
    if name.isupper() and len(name) > 2 and nxt[0].text in (",", "(", "-", "–", "—", ":", "/"):
        return True
    if nxt[0].text == "(" and len(nxt) >= 3 and nxt[1].text[:1].isupper() and nxt[2].text == ")":
        return True  # "Tbilisi (Reuters) -"
    # "Tbilisi, June 3 (Reuters) -": a comma, a date and an agency in brackets or a dash.
    return (nxt[0].text == "," and len(nxt) >= 4 and _MONTH_ABBR.match(nxt[1].text) is not None
            and nxt[2].like_num and any(t.text in ("(", "-", "–", "—", "/") for t in nxt[3:]))


def _is_heading(sent, text: str) -> bool:
    """In a headline or crosshead: a short line without a full stop ("Strike on Uman"), or the
    article's first short line whatever its punctuation. `text`: the doc's text."""
    start = text.rfind("\n", 0, sent.start_char) + 1
    end = text.find("\n", sent.start_char)
    line = text[start: end if end >= 0 else len(text)].strip()
    if not line or len(line.split()) > 20:
        return False
    return not text[:start].strip() or not line.endswith((".", "!", "?", ".”", '."', "”", '"', ":"))


def drop_headline_repeats(events: list[Event], headings: set[int], unplaced: dict[str, set[str]] | None = None) -> list[Event]:
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


# Evidence weights of `confidence`: each factor is the share of such events expected to be right,
# multiplied together (calibrate with benchmarks/reliability.py against a gold file).
STRONG_TRIGGERS = {"strike", "shell", "shelling", "bombard", "bombardment", "airstrike", "shoot", "intercept",
                   "downed", "capture", "seize", "liberate", "recapture", "retake", "explosion", "blast",
                   "explode", "meet", "meeting", "visit", "talk", "summit", "clash", "fight", "fighting", "storm",
                   "withdraw", "assault"}
_LINK_WEIGHT = {"linked": 1.0, "sentence": 0.8, "anaphora": 0.7, "jurisdiction": 0.65, "capital": 0.6}
_PRECISION_WEIGHT = {"city": 1.0, "landmark": 1.0, "district": 0.9, "region": 0.85, "country": 0.6, "continent": 0.5}
HEDGES = re.compile(r"\b(?:reportedly|allegedly|purportedly|presumably|unconfirmed|apparently|said to|"
                    r"according to (?:a )?(?:source|sources|unofficial)|claim(?:s|ed)?)\b", re.I)


def confidence(*, trigger: str, linked: str, top: Toponym, sentence: str, claimed: str | None,
               verified: bool | None, explicit_date: bool, heading: bool) -> float:
    """0-1 belief that an event is right (type, place and day), from the evidence the rules had:
    trigger strength, how the place was linked, the place's match quality and specificity,
    hedges and disputed claims, and whether the day was written in the sentence."""
    c = 0.92 if trigger in STRONG_TRIGGERS else 0.8
    c *= _LINK_WEIGHT.get(linked, 0.7)
    place = top.place
    c *= _PRECISION_WEIGHT.get(place.feature, 0.9)
    if normalize_name(place.name) != normalize_name(top.name) and place.feature == "city":
        c *= 0.92  # reached through an alias or another spelling ("Nikolaev", "Artemovsk")
    if place.source not in ("gazetteer", "supplement"):
        c *= 0.85  # an online geocoder's answer
    if HEDGES.search(sentence):
        c *= 0.9
    if verified is False:
        c *= 0.85
    if claimed is None:
        c *= 0.95
    c *= 1.0 if explicit_date else 0.95
    if heading:
        c *= 0.85
    return round(max(0.01, min(0.99, c)), 3)


def _span_text(tok) -> str:
    toks = [t for t in tok.subtree if t.dep_ not in ("punct",) or t.text in ("'s", "’s")]
    text = tok.doc[toks[0].i: toks[-1].i + 1].text if toks else tok.text
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.I).strip()


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
