"""Event extraction: spaCy parses + rules for type, place of occurrence, date and claims.

Per sentence: find trigger words (lemmas) that name an event type, drop those under modality or
negation ("is expected", "denied", "will"), attach each trigger to the places its clause talks
about (not where it was announced, not metonymic subjects like "Kyiv said", not reference points
like "east of Kharkiv"), resolve the date against the publication date, and attribute the claim
to the subject of the reporting verb ("the regional governor said") or "according to X".
Within one article, mentions of one occurrence are merged, keeping the most specific place.
"""
from __future__ import annotations

import re
from datetime import date

from ..geometry import great_circle_km
from ..model import Article, Event, acled_types
from .dates import RELATIVE_KINDS, find_dates
from .grouping import SAME_OCCURRENCE_DAYS, SAME_OCCURRENCE_KM
from .toponyms import Toponym, ToponymRecognizer

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
}
WEAPONS = {
    "missile": "missile", "missiles": "missile", "drone": "drone", "drones": "drone", "rocket": "missile",
    "rockets": "missile", "bomb": "glide bomb", "bombs": "glide bomb", "artillery": "shelling",
    "shelling": "shelling", "shahed": "drone", "shaheds": "drone", "atacms": "missile", "airstrike": "air strike",
}
MILITARY = {"troops", "forces", "units", "soldiers", "army", "brigade", "fighters"}
REPORTING = {"say", "report", "announce", "claim", "state", "add", "tell", "confirm", "write", "post",
             "describe", "according", "comment", "deny", "accuse", "warn", "declare"}
MODAL_AUX = {"will", "would", "could", "may", "might", "should", "can", "must"}
NON_EVENT_HEADS = {"expect", "plan", "deny", "threaten", "intend", "aim", "hope", "want", "prepare",
                   "consider", "prioritize", "necessary", "need", "ask", "promise", "urge", "call", "fear",
                   "limit", "protect", "prevent", "help", "try", "seek", "policy", "strategy", "campaign"}
COMPASS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
           "north-east", "north-west", "south-east", "south-west"}
ANAPHORA = re.compile(r"\bthe (region|peninsula|city|town|village|area|oblast|province|territory)\b(?! of\b)", re.I)
UNVERIFIED = re.compile(r"could not (?:be )?(?:initially |immediately )?(?:be )?(?:independently )?(?:verified|confirmed)|"
                        r"unverified|not (?:be )?independently verified", re.I)
ACTOR_SIDES = {"russian": "Russian forces", "russia": "Russian forces", "moscow": "Russian forces",
               "ukrainian": "Ukrainian forces", "ukraine": "Ukrainian forces", "kyiv": "Ukrainian forces",
               "belarusian": "Belarusian forces"}


_TYPE_PRIORITY = ["territorial_change", "interception", "strike", "explosion", "ground_fighting", "diplomacy"]
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
PRECISION_RANK = {"place": 0, "region": 1, "country": 2}
EXTRACTOR_VERSION = "rules-2"


def _num(s: str) -> int | None:
    s = s.lower().replace(",", "")
    return int(s) if s.isdigit() else _WORD_NUMBERS.get(s)


def quantities(sentence: str) -> dict[str, int]:
    """Counts stated in a sentence: killed, wounded, downed, launched."""
    q: dict[str, int] = {}
    num = r"(\d[\d,]*|" + "|".join(_WORD_NUMBERS) + r")"
    for key, pat in (
        ("killed", num + r"\s+(?:people|civilians|persons|soldiers)?\s*(?:were\s+|was\s+)?killed"),
        ("killed", r"kill(?:ed|ing)\s+(?:at least\s+|more than\s+)?" + num),
        ("wounded", num + r"\s+(?:people|civilians|persons)?\s*(?:were\s+|was\s+)?(?:wounded|injured)"),
        ("wounded", r"(?:wound|injur)(?:ed|ing)\s+(?:at least\s+|more than\s+)?" + num),
        ("downed", r"(?:shot down|destroyed|intercepted|downed)\s+(?:at least\s+)?" + num),
        ("launched", num + r"\s+of\s+" + num + r"\s+(?:\w+\s+)?(?:missiles|drones)"),
    ):
        m = re.search(pat, sentence, re.I)
        if m and key not in q:
            n = _num(m.group(m.lastindex))
            if n is not None:
                q[key] = n
    return q


class EventExtractor:
    """Turns parsed articles into events using a ToponymRecognizer (which owns the gazetteer)."""

    def __init__(self, recognizer: ToponymRecognizer):
        self.recognizer = recognizer

    def extract(self, article: Article, doc) -> list[Event]:
        """Events of one article from its spaCy doc."""
        toponyms = self.recognizer.resolve(doc, self.recognizer.recognize(doc))
        ends = {t.token_end - 1 for t in toponyms if t.place is not None}  # last tokens of toponyms
        events: list[Event] = []
        recent: list[Toponym] = []
        last_date: str | None = None
        sents = list(doc.sents)
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
            linked = [(trig, etype, sub, self._places_for(trig, sent, sent_tops, etype, ends)) for trig, etype, sub in triggers]
            any_linked = any(places for *_, places in linked)
            for trig, etype, sub, places in linked:
                if not places and not any_linked and etype != "diplomacy":
                    # The parse did not link the trigger to a place: any event place of the sentence.
                    places = self._places_for(None, sent, sent_tops, etype, ends)
                if not places:
                    places = self._anaphora(sent, recent)
                trig_date = ev_date
                if trig.head.lemma_ == "continue" and article.published:
                    trig_date = article.published.isoformat()  # ongoing: as of publication
                actors = self._actors(trig)
                for top in self._most_specific(places):
                    ev = self._event(article, sent, top, etype, sub, trig_date, date_prec, claimed, verified, qty)
                    ev.actors = actors
                    sent_events.append(ev)
            events.extend(self._dedupe_sentence(self._drop_country_level(sent_events)))
            if sent_events:
                last_date = sent_events[-1].date
            recent.extend(t for t in sent_tops if t.place.feature != "country")
        return merge_mentions(events)

    # -- triggers ----------------------------------------------------------------------------
    def _triggers(self, sent):
        text_l = sent.text.lower()
        sent_has_weapon = any(w in WEAPONS for w in re.findall(r"[a-z]+", text_l))
        doc_has_weapon = any(t.lower_ in WEAPONS for t in sent.doc)
        military = any(t.lower_ in MILITARY for t in sent)
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
            if lemma == "shoot" and not any(c.lower_ == "down" for c in tok.children):
                continue
            if lemma == "pull":
                if not any(c.lower_ in ("back", "out") for c in tok.children):
                    continue
                etype, sub = "territorial_change", "withdrawal"  # "pulled back from two villages"
            if lemma in ("down", "downed") and not (tok.pos_ in ("ADJ", "VERB") or tok.head.lemma_ == "shoot"):
                continue
            if lemma == "destroy":
                # "destroyed 57 drones" is air defence at work; "destroyed an air defence system" a strike.
                objects = {t.lower_ for c in tok.children if c.dep_ in ("dobj", "nsubjpass") for t in c.subtree}
                if objects & {"drone", "drones", "missile", "missiles", "rocket", "rockets", "shahed", "shaheds"}:
                    etype = "interception"
                elif objects:
                    etype = "strike"
                elif not sent_has_weapon:
                    continue
            if lemma == "attack" and not has_weapon:
                # "troops attacked" and "launched a major attack" (an offensive) are ground fighting;
                # "the attack" in a report about drones refers back to the strike.
                local_military = any(t.lower_ in MILITARY for t in tok.doc[max(sent.start, tok.i - 6): tok.i + 6])
                launched = tok.dep_ == "dobj" and tok.head.lemma_ in ("launch", "mount", "begin", "start")
                if local_military or launched or not doc_has_weapon:
                    etype = "ground_fighting"
            if lemma in ("target", "hit", "strike") and not has_weapon and military:
                etype = "ground_fighting"
            if lemma in ("derail", "derailed") and not doc_has_weapon:
                continue
            if lemma in ("enter", "cross", "push", "within", "outskirts", "advance") and not military:
                continue
            if lemma == "take" and not any(c.dep_ in ("dobj", "nsubjpass") for c in tok.children):
                continue
            if lemma == "arrive" and not re.search(r"\b(talks|visit|meeting|summit|conference|negotiations)\b", text_l):
                continue  # "arrived in Kyiv for talks" is a visit; troops arriving is not
            if lemma == "address" and not any("parliament" in c.text.lower() or "summit" in c.text.lower()
                                               for c in tok.subtree):
                continue
            if etype == "strike" and sub is None:
                sub = next((WEAPONS[w] for w in re.findall(r"[a-z]+", text_l) if w in WEAPONS), None)
            if lemma == "repel" and any(w in text_l for w in ("drone", "missile", "air attack")):
                etype = "interception"
            if self._non_event(tok) or self._background(tok):
                continue
            found.append((tok, etype, sub))
        if any(e == "strike" for _, e, _ in found):
            found = [f for f in found if f[1] != "explosion"]  # explosions of an attributed attack
        return found

    @staticmethod
    def _background(tok) -> bool:
        """'Kuleba, who visited Washington last month, said ...': a person's past, not news."""
        node = tok if tok.pos_ in ("VERB", "AUX") else tok.head
        return node.dep_ == "relcl" and node.head.pos_ == "PROPN" and any(
            c.lower_ in ("who", "whom") for c in node.children)

    @staticmethod
    def _non_event(tok) -> bool:
        """Plans, expectations, denials, negations and hypotheticals are no events."""
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
            if node.lemma_.lower() in NON_EVENT_HEADS:
                return True
            if node.lemma_.lower() in ("be",) and any(c.lower_ == "expected" for c in node.children):
                return True
        return False

    # -- places ------------------------------------------------------------------------------
    def _places_for(self, trig, sent, sent_tops, etype, ends: set[int]) -> list[Toponym]:
        if trig is None:
            subtree = set(range(sent.start, sent.end))
        else:
            clause_root = trig if trig.pos_ in ("VERB", "AUX") else trig.head
            subtree = {t.i for t in clause_root.subtree} | {t.i for t in trig.subtree}
        places = []
        for top in sent_tops:
            head = sent.doc[top.token_end - 1]
            if head.i not in subtree and sent.doc[top.token_start].i not in subtree:
                continue
            if self._excluded(top, sent.doc, etype, ends):
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
        if top.place.feature == "country" and last.dep_ in ("nsubj", "nsubjpass"):
            return True  # "the US approved an aid package": the country acts, it is no place
        if prev is not None and prev.lower_ == "of" and prev2 is not None and (prev2.lower_ in COMPASS or prev2.lower_ in ("km", "kilometres", "kilometers", "miles")) and prev2.lower_ not in ("kilometres", "km") :
            return True  # "east of Kharkiv": a reference point
        if prev is not None and prev.lower_ == "from" and etype not in ("diplomacy", "territorial_change"):
            return True  # "drones launched from Ukraine": the origin (but "withdrew from X" is X)
        if nxt is not None and nxt.lower_ in ("river", "sea", "lake", "reservoir", "mountains", "canal"):
            return True  # "across the Dnipro river": a river, not the city of the same name
        if prev is not None and prev.lower_ in ("near", "outside") and prev2 is not None and prev2.ent_type_ in ("GPE", "LOC", "FAC", "") \
                and top.token_start - 2 in ends:
            return True  # "Krasnohorivka near Donetsk": Donetsk only locates the other place
        head = last.head
        if last.dep_ == "dobj" and head.lemma_.lower() not in TRIGGERS:
            return True  # "spooked Kiev": the object of a non-event verb
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

    @staticmethod
    def _anaphora(sent, recent: list[Toponym]) -> list[Toponym]:
        m = ANAPHORA.search(sent.text)
        if not m or not recent:
            return []
        word = m.group(1).lower()
        want_region = word in ("region", "oblast", "province", "territory", "peninsula")
        for t in reversed(recent):
            if (t.place.feature == "region") == want_region or word in ("area", "peninsula"):
                return [t]
        return [recent[-1]]

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
    def _dedupe_sentence(events: list[Event]) -> list[Event]:
        out, seen = [], set()
        for e in events:
            key = (e.event_type, e.geonameid, e.place)
            if key not in seen:
                seen.add(key)
                out.append(e)
        return out


def _span_text(tok) -> str:
    toks = [t for t in tok.subtree if t.dep_ not in ("punct",) or t.text in ("'s", "’s")]
    text = tok.doc[toks[0].i: toks[-1].i + 1].text if toks else tok.text
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.I).strip()


def _same_occurrence(a: Event, b: Event) -> bool:
    if a.event_type != b.event_type or a.lat is None or b.lat is None:
        return False
    if a.evidence_start == b.evidence_start and a.place != b.place:
        return False  # "struck Sloviansk and Kramatorsk": two named places, two events
    if a.date and b.date and abs((date.fromisoformat(a.date) - date.fromisoformat(b.date)).days) > SAME_OCCURRENCE_DAYS:
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
