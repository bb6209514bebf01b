"""What a sentence reports besides type and place: the event's day (and background without
one), who claims it, whether it was verified, who acted, and the counts it states.

`ReportRules` is a mixin of `extraction.EventExtractor`.
"""
from __future__ import annotations

import re

from ..model import Article
from .dates import RELATIVE_KINDS, find_dates
from .triggers import REPORTING

# Habitual or vague times: background, not an event of a day ("almost every night in recent weeks").
VAGUE_TIME = re.compile(r"\b(?:in recent (?:days|weeks|months|years)|(?:almost |nearly )?every (?:day|night|week)|"
                        r"for (?:more than |over |almost |nearly )?(?:\w{1,12} )?(?:weeks|months|years)|"
                        r"repeated(?:ly)?|time and again|since (?:the start|the beginning|the outbreak)|"
                        r"constant(?:ly)?|daily|regularly|routinely|frequently|almost daily|"
                        r"(?:the )?(?:first|second|third|fourth|fifth|sixth|seventh|\d{1,2}th) "
                        r"(?:time|reported attack)|"
                        r"is about to|about to (?:capture|take|seize|storm|launch))\b", re.I)
UNVERIFIED = re.compile(r"(?:could not|cannot|was unable to|were unable to) "
                        r"(?:(?:be|initially|immediately|independently) ){0,4}"
                        r"(?:verif(?:y|ied)|confirm(?:ed)?)|unverified|not (?:be )?independently verified", re.I)
ACTOR_SIDES = {"russian": "Russian forces", "russia": "Russian forces", "moscow": "Russian forces",
               "ukrainian": "Ukrainian forces", "ukraine": "Ukrainian forces", "kyiv": "Ukrainian forces",
               "belarusian": "Belarusian forces"}
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


def _num(s: str) -> int | None:
    s = s.lower().replace(",", "")
    return int(s) if s.isdigit() else _WORD_NUMBERS.get(s)


# A number starts after no digit and has at most 12 characters; spaces are bounded too, so each
# pattern does a bounded amount of work per position: linear time on any article text (#19).
_NUM = r"(?<![\d,])(\d[\d,]{0,12}|\b(?:" + "|".join(_WORD_NUMBERS) + r")\b)"
_QUANTITY_PATTERNS = [(key, re.compile(pat, re.I)) for key, pat in (
    ("killed", _NUM + r"\s{1,3}(?:(?:people|civilians|persons|soldiers)\s{1,3})?(?:were\s{1,3}|was\s{1,3})?killed"),
    ("killed", r"kill(?:ed|ing)\s{1,3}(?:at least\s{1,3}|more than\s{1,3})?" + _NUM),
    ("wounded", _NUM + r"\s{1,3}(?:(?:people|civilians|persons)\s{1,3})?"
                       r"(?:were\s{1,3}|was\s{1,3})?(?:wounded|injured)"),
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


class ReportRules:
    """The day, the claim and the actors of an event (mixin of EventExtractor)."""

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
        if report_day is not None and event_dates is not mentions \
                and all(m.kind in RELATIVE_KINDS for m in event_dates):
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


def _span_text(tok) -> str:
    toks = [t for t in tok.subtree if t.dep_ not in ("punct",) or t.text in ("'s", "’s")]
    text = tok.doc[toks[0].i: toks[-1].i + 1].text if toks else tok.text
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.I).strip()
