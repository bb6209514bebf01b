"""Trigger words and the rules that give a sentence's event words their type.

The word tables (triggers, weapons, reporting verbs, plans and modality) are shared with the
place and reporting rules. `TriggerRules` is a mixin of `extraction.EventExtractor`: it reads
`self._headings` (start characters of headline sentences) and sets `self._rejected_ids`.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .layout import _is_heading

# lemma -> (event_type, sub_type). Weapon-dependent lemmas are checked in _trigger_type.
TRIGGERS = {
    "strike": ("strike", None), "hit": ("strike", None), "shell": ("strike", "shelling"),
    "shelling": ("strike", "shelling"), "bombard": ("strike", None), "bombardment": ("strike", None),
    "bomb": ("strike", "bomb"), "pound": ("strike", None), "target": ("strike", None),
    "airstrike": ("strike", "air strike"), "attack": ("strike", None), "derail": ("strike", "sabotage"),
    "derailed": ("strike", "sabotage"),
    "shoot": ("interception", None), "intercept": ("interception", None), "down": ("interception", None),
    "downed": ("interception", None), "destroy": ("interception", None), "repel": ("ground_fighting", None),
    "explosion": ("explosion", None), "blast": ("explosion", None), "explode": ("explosion", None),
    "fight": ("ground_fighting", None), "fighting": ("ground_fighting", None), "clash": ("ground_fighting", None),
    "assault": ("ground_fighting", None), "offensive": ("ground_fighting", None), "advance": ("ground_fighting", None),
    "push": ("ground_fighting", None), "storm": ("ground_fighting", None), "enter": ("ground_fighting", None),
    "cross": ("ground_fighting", None), "counterattack": ("ground_fighting", None),
    "outskirts": ("ground_fighting", None),
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
_TYPE_PRIORITY = ["territorial_change", "interception", "strike", "explosion", "ground_fighting", "diplomacy"]


class _SentenceCues(NamedTuple):
    """What the trigger rules read from the whole sentence (and its doc)."""
    text_l: str
    sent_has_weapon: bool
    doc_has_weapon: bool
    military: bool
    heading: bool


class TriggerRules:
    """Which words of a sentence are events, and of which type (mixin of EventExtractor)."""

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
        cues = _SentenceCues(text_l, sent_has_weapon, doc_has_weapon, military, heading)
        found = []
        for tok in sent:
            typed = self._trigger_type(tok, sent, cues)
            if typed is not None:
                found.append((tok, *typed))
        if any(e == "strike" for _, e, _ in found):
            found = [f for f in found if f[1] != "explosion"]  # explosions of an attributed attack
        # "destroyed all drones with which Russia attacked Kyiv": the attack told inside an
        # interception is that interception's place, not a strike.
        # "repelled a drone attack on the city": the attack that was repelled is no strike either.
        shot = {c.i for t, e, _ in found if e == "interception" for c in t.children if c.dep_ in ("dobj", "nsubjpass")}
        return [f for f in found if not (f[1] == "strike" and (
            f[0].dep_ in ("relcl", "acl") and f[0].head.i in shot or f[0].i in shot))]

    def _trigger_type(self, tok, sent, cues: _SentenceCues):
        """(type, sub-type) of one word of the sentence if it names an event, else None."""
        # The weapon must belong to this trigger ("missile attack", "drones struck"), not to
        # another clause of the sentence ("attack ... while it bombards Kharkiv with missiles").
        near = {t.lower_ for t in tok.subtree} if tok.pos_ == "NOUN" else set()
        near |= {t.lower_ for t in tok.doc[max(sent.start, tok.i - 4): min(sent.end, tok.i + 4)]}
        near |= {t.lower_ for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "agent", "prep") for t in c.subtree}
        has_weapon = bool(near & WEAPONS.keys())
        lemma = tok.lemma_.lower()
        if lemma not in TRIGGERS and tok.lower_ not in TRIGGERS:
            return None
        etype, sub = TRIGGERS.get(lemma) or TRIGGERS[tok.lower_]
        typed = self._word_rules(tok, lemma, etype, sub, sent, cues)
        if typed is None:
            return None
        typed = self._context_rules(tok, lemma, *typed, sent, cues, has_weapon)
        if typed is None:
            return None
        etype, sub = typed
        if self._non_event(tok) or self._background(tok):
            self._rejected_ids.add(tok.i)
            return None
        return etype, sub

    def _word_rules(self, tok, lemma, etype, sub, sent, cues: _SentenceCues):
        """The rules of single trigger words ("shot down", "fell to", "pulled back", a capture of
        a named place): (type, sub-type), or None when the word names no event here."""
        text_l, sent_has_weapon, doc_has_weapon, military, heading = cues
        if tok.is_title and tok.i > sent.start and not heading and (
                tok.pos_ == "PROPN" or tok.dep_ == "compound" and tok.head.pos_ == "PROPN"):
            return None  # "the Special Assault Brigade", "Operation Storm": part of a name
        if lemma == "shoot" and not any(c.lower_ == "down" for c in tok.children):
            return None
        if lemma in ("take", "suppress") and (any(c.lower_ == "down" for c in tok.children) or lemma == "suppress"):
            # "Moldova took down two drones", "electronic warfare suppressed the drones"
            if not {t.lower_ for c in tok.children if c.dep_ in ("dobj", "nsubjpass") for t in c.subtree} & AIRBORNE:
                return None
            etype, sub = "interception", None
        if lemma in ("wound", "injure", "kill", "damage") and not self._by_weapon(tok):
            return None  # "a civilian was wounded by a Ukrainian drone" is a strike; other deaths are not
        if lemma in ("neutralize", "neutralise") and not (
                {t.lower_ for c in tok.children if c.dep_ in ("dobj", "nsubjpass") for t in c.subtree} & AIRBORNE):
            return None  # "air defences neutralised 20 drones"
        if lemma == "drop" and not (
                sent_has_weapon and re.search(r"\b(?:explosives?|bombs?|grenades?|munitions?)\b", text_l)):
            return None  # "a drone dropped an explosive device on the building"
        if lemma == "fall":
            # "the town had fallen under the full control of Russian forces", "the town fell to Russia"
            if not any(c.dep_ == "prep" and (c.lower_ == "to" or c.lower_ == "under" and any(
                    t.lemma_ == "control" for t in c.subtree)) for c in tok.children):
                return None
        if lemma == "leave" and not (military and any(c.dep_ == "dobj" for c in tok.children)):
            return None  # "troops had left the town of Vuhledar": a withdrawal
        if lemma == "pull":
            if not any(c.lower_ in ("back", "out") for c in tok.children):
                return None
            etype, sub = "territorial_change", "withdrawal"  # "pulled back from two villages"
        if lemma in ("down", "downed") and not (tok.pos_ in ("ADJ", "VERB") or tok.head.lemma_ == "shoot"):
            return None
        if lemma in ("target", "storm") and tok.pos_ != "VERB":
            return None  # "a valuable target for Russia", "the storm": no attack
        prev_word = tok.doc[tok.i - 1].lower_ if tok.i > 0 else ""
        if lemma == "occupy" and (tok.dep_ in ("amod", "compound", "acl") or tok.pos_ == "ADJ"
                                  or prev_word in ("-", "–", "in", "the") or prev_word.endswith(_STATE_ADVERBS)
                                  or any(c.lower_.endswith(_STATE_ADVERBS) for c in tok.children)):
            return None  # "temporarily occupied Nova Kakhovka", "Russian-occupied": a state, not a capture
        if sub == "capture" and not self._capturable(tok):
            self._rejected_ids.add(tok.i)
            return None  # "regained the initiative", "the HQ was taken over": no territory changed hands
        return etype, sub

    def _context_rules(self, tok, lemma, etype, sub, sent, cues: _SentenceCues, has_weapon: bool):
        """The rules that need the sentence (fires, what was destroyed, attacks by troops or by
        weapons, visits): (type, sub-type), or None when the word names no event here."""
        text_l, sent_has_weapon, doc_has_weapon, military, heading = cues
        if lemma in ("fire", "blaze"):
            if tok.pos_ != "NOUN" or not self._is_fire(tok):
                return None
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
                return None
        facility = lemma in ("attack", "hit", "strike") and self._hits_facility(tok)
        if lemma == "attack" and not has_weapon and not facility:
            # "troops attacked" and "launched a major attack" (an offensive) are ground fighting;
            # "the attack" in a report about drones refers back to the strike.
            local_military = any(t.lower_ in MILITARY for t in tok.doc[max(sent.start, tok.i - 6): tok.i + 6])
            launched = tok.dep_ == "dobj" and tok.head.lemma_ in ("launch", "mount", "begin", "start")
            if local_military or launched or not doc_has_weapon or self._hits_positions(tok):
                etype = "ground_fighting"
        if lemma in ("target", "hit", "strike") and not has_weapon and not sent_has_weapon and not facility \
                and military:
            etype = "ground_fighting"
        if lemma in ("derail", "derailed") and not doc_has_weapon:
            return None
        if lemma in ("enter", "cross", "push", "within", "outskirts", "advance") and not military:
            return None
        if lemma == "take" and not any(c.dep_ in ("dobj", "nsubjpass") for c in tok.children):
            return None
        if lemma == "arrive" and not re.search(
                r"\b(talks|visits?|meetings?|meet|summit|conference|negotiations)\b", text_l):
            return None  # "arrived in Kyiv for talks" is a visit; troops arriving is not
        if lemma == "address" and not any("parliament" in c.text.lower() or "summit" in c.text.lower()
                                           for c in tok.subtree):
            return None
        if etype == "strike" and sub is None:
            sub = next((WEAPONS[w] for w in re.findall(r"[a-z]+", text_l) if w in WEAPONS), None)
        if lemma == "repel" and any(w in text_l for w in ("drone", "missile", "air attack", "air defen")):
            etype = "interception"
        return etype, sub

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
