"""Event extraction: spaCy parses + rules for type, place of occurrence, date and claims.

Per sentence: find trigger words (lemmas) that name an event type, drop those under modality or
negation ("is expected", "denied", "will"), attach each trigger to the places its clause talks
about (not where it was announced, not metonymic subjects like "Kyiv said", not reference points
like "east of Kharkiv"), resolve the date against the publication date, and attribute the claim
to the subject of the reporting verb ("the regional governor said") or "according to X".
Within one article, mentions of one occurrence are merged, keeping the most specific place.

The rules are mixins, one module each, that `EventExtractor` combines: `triggers` (event words
and their types), `event_places` (the place of occurrence) and `reporting` (day, claim, actors,
counts); `confidence` scores an event, `mentions` merges one occurrence told several times and
`layout` finds sentences, headlines and datelines.
"""
from __future__ import annotations

import re

from ..model import Article, Event, acled_types
from .confidence import confidence
from .dates import COARSE_PRECISIONS, RELATIVE_KINDS, find_dates
from .event_places import PlaceRules
from .layout import _is_heading, _sentences
from .mentions import _debris_of_interceptions, drop_explained_explosions, drop_headline_repeats, merge_mentions
from .recognize import ToponymRecognizer
from .reporting import UNVERIFIED, VAGUE_TIME, ReportRules, quantities
from .toponym import Toponym
from .triggers import TriggerRules

REGIONAL_SOURCE = re.compile(r"\b(?:the )?(?:regional|local) (?:governor|authorities|administration)\b", re.I)
EXTRACTOR_VERSION = "rules-3"  # #11: stored articles of older rules are re-extracted


class EventExtractor(TriggerRules, PlaceRules, ReportRules):
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
                    m.precision == "day" and m.kind not in RELATIVE_KINDS
                    for m in find_dates(sent.text, article.published)):
                triggers = []  # habitual or vague: background, no event of a day
            self._trigger_ids = {t.i for t, _, _ in triggers}
            linked = [(trig, etype, sub, self._places_for(trig, sent, sent_tops, etype, ends))
                      for trig, etype, sub in triggers]
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
                    if not places and earlier and (
                            etype == "interception" or trig.lemma_ in ("wound", "injure", "kill")) \
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
                        p.place.feature in ("country", "continent") for p in places) \
                        and REGIONAL_SOURCE.search(sent.text):
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
