"""Synthetic but realistic events for benchmarks: `python -m geo synth N --db PATH [--seed S]`.

Places are real gazetteer entries (towns and cities of Ukraine and western Russia, weighted by
population), dates span two years with waves of activity, types/claims/quantities follow rough
real-world proportions, and every event has an evidence sentence inside a synthetic article
(ids ``synth-…``), so popups, the article view and exports have something to show.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .model import DEFAULT_BORDER, EVENT_TYPES, Article, Event
from .store import SYNTH_TAG

SYNTH_VERSION = f"{SYNTH_TAG}1"
START = date(2023, 1, 1)
DAYS = 731  # two years
EVENTS_PER_ARTICLE = 4
BATCH_ARTICLES = 2000

# Western Russia: the oblasts along the Ukrainian border and the next ring behind them.
_BBOX = {"UA": (44.0, 52.5, 22.0, 40.3), "RU": (44.0, 56.5, 30.0, 46.0)}
_TYPE_SHARE = {"strike": 0.36, "interception": 0.22, "explosion": 0.14, "ground_fighting": 0.18,
               "territorial_change": 0.05, "diplomacy": 0.05}
_TYPES = EVENT_TYPES
_TYPE_P = tuple(_TYPE_SHARE.get(t, 0.0) for t in _TYPES)  # a new type: none until it gets a share
_SUB = {
    "strike": ("missile", "drone", "artillery", "glide bomb"),
    "interception": ("drone", "missile"),
    "explosion": ("unknown", "ammunition depot", "fuel depot"),
    "ground_fighting": ("assault", "shelling", "clashes"),
    "territorial_change": ("captured", "liberated"),
    "diplomacy": ("talks", "prisoner exchange", "visit"),
}
_CLAIMS = (
    ("Russian Defence Ministry", False), ("Ukrainian General Staff", False), ("regional governor", False),
    ("Ukrainian Air Force", False), ("local officials", True), (None, None),
)
_CLAIM_P = (0.28, 0.24, 0.2, 0.12, 0.08, 0.08)
_VERB = {
    "strike": "{sub} strike hit {place}",
    "interception": "air defences shot down {n} {sub}s over {place}",
    "explosion": "an explosion ({sub}) was reported in {place}",
    "ground_fighting": "{sub} continued near {place}",
    "territorial_change": "{place} was {sub}",
    "diplomacy": "{sub} were held in {place}",
}


@dataclass(frozen=True)
class SynthPlace:
    name: str
    lat: float
    lon: float
    country_code: str
    admin1: str | None


def sample_places(gazetteer, limit: int = 4000) -> list[SynthPlace]:
    """The `limit` most populous gazetteer cities in the Ukraine / western Russia boxes."""
    return [SynthPlace(p.name, p.lat, p.lon, p.country_code, p.admin1_name)
            for cc, bbox in _BBOX.items() for p in gazetteer.largest_cities(cc, bbox, limit // 2)]


def _place_weights(n: int, rng: np.random.Generator) -> np.ndarray:
    # Zipf-like: big cities get many reports, small towns a few (rows come most populous first).
    w = 1.0 / np.arange(1, n + 1) ** 0.8 * rng.uniform(0.5, 1.5, n)
    return w / w.sum()


def _day_weights() -> np.ndarray:
    t = np.arange(DAYS)
    w = 1.0 + 0.6 * np.sin(t / 45.0) + 0.4 * np.sin(t / 11.0 + 1.0) + t / DAYS
    return w / w.sum()


def generate(n: int, places: list[SynthPlace], seed: int = 0,
             distances: Callable | None = None) -> list[tuple[Article, list[Event]]]:
    """`n` events in articles of up to EVENTS_PER_ARTICLE events each (pure; no I/O)."""
    rng = np.random.default_rng(seed)
    if not places:
        raise ValueError("no places to sample from")
    lats = np.array([p.lat for p in places])
    lons = np.array([p.lon for p in places])
    km = np.full(len(places), np.nan)
    side = np.array([p.country_code for p in places], dtype=object)
    if distances is not None:
        km, side = distances(lats, lons)
    pidx = rng.choice(len(places), size=n, p=_place_weights(len(places), rng))
    tidx = rng.choice(len(_TYPES), size=n, p=_TYPE_P)
    cidx = rng.choice(len(_CLAIMS), size=n, p=_CLAIM_P)
    days = rng.choice(DAYS, size=n, p=_day_weights())
    nums = rng.integers(1, 40, size=n)
    out: list[tuple[Article, list[Event]]] = []
    for a0 in range(0, n, EVENTS_PER_ARTICLE):
        idx = range(a0, min(n, a0 + EVENTS_PER_ARTICLE))
        day = START + timedelta(days=int(days[a0]))
        art_id = f"synth-{seed}-{a0 // EVENTS_PER_ARTICLE:07d}"
        sentences, events, pos = [], [], 0
        for i in idx:
            p = places[pidx[i]]
            etype = _TYPES[tidx[i]]
            sub = _SUB[etype][int(nums[i]) % len(_SUB[etype])]
            claimed, verified = _CLAIMS[cidx[i]]
            body = _VERB[etype].format(sub=sub, place=p.name, n=int(nums[i]))
            sent = (f"On {day:%d %B %Y}, {body}, the {claimed} said." if claimed
                    else f"On {day:%d %B %Y}, {body}.")
            sent = sent[0].upper() + sent[1:]
            events.append(Event(
                article_id=art_id, event_type=etype, evidence=sent, evidence_start=pos,
                evidence_end=pos + len(sent), place=p.name, lat=p.lat, lon=p.lon,
                country_code=p.country_code, admin1=p.admin1, precision="place",
                date=day.isoformat(), date_precision="day", sub_type=sub, claimed_by=claimed,
                verified=verified, quantities={"drones": int(nums[i])} if etype == "interception" else {},
                geo_source="gazetteer",
                border_distance_km=None if np.isnan(km[pidx[i]]) else round(float(km[pidx[i]]), 1),
                border_side=side[pidx[i]] or None,
            ))
            sentences.append(sent)
            pos += len(sent) + 1
        text = " ".join(sentences)
        first = places[pidx[a0]].name
        out.append((Article(id=art_id, text=text, published=day, title=f"Synthetic report: {first}",
                            source="synthetic", url=f"https://example.org/synthetic/{art_id}"), events))
    return out


def border_distances(lats, lons):
    """Distances to the default border pair (as stored events have) and the country of each point."""
    from .geometry import borders

    return borders.distance_to_border_km(lats, lons, *DEFAULT_BORDER), borders.country_at(lats, lons)


def write_synthetic(store, n: int, seed: int = 0, *, gazetteer=None, distances=border_distances,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Generate `n` events into `store` (an EventStore), one transaction per batch; returns n."""
    if gazetteer is None:
        from .places import Gazetteer

        gazetteer = Gazetteer()
    batches = generate(n, sample_places(gazetteer), seed, distances)
    done = 0
    for b0 in range(0, len(batches), BATCH_ARTICLES):
        batch = batches[b0:b0 + BATCH_ARTICLES]
        # One transaction per batch: per-article transactions (add_article_with_events) cost a
        # WAL commit each, which dominates at 100k events.
        store.add_many(batch, SYNTH_VERSION)
        done += sum(len(ev) for _, ev in batch)
        if progress:
            progress(done, n)
    return n


# ----------------------------------------------------------------------------- synthetic articles
# `python -m geo synth-articles N --out ARTICLES.jsonl [--seed S]`: wire copy for throughput tests
# of the whole extraction (spaCy, rules, gazetteer, borders), unlike `generate`'s ready-made events.

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ATTACKERS = ("Russian", "Ukrainian")
_CLAIMANTS = ("the regional governor said", "Ukraine's air force said", "Russia's defence ministry said",
              "local officials said", "the Ukrainian General Staff said", "emergency services reported",
              "the mayor wrote on Telegram", "a military spokesman told reporters")
_WIRE_TEMPLATES = {
    "strike": ("{Att} missiles struck {place} {when}, killing {n} people, {claim}.",
               "A {att} drone hit an apartment block in {place} {when}, wounding {n} civilians, {claim}.",
               "{Att} forces shelled {place} {when}, damaging a school and {n} houses, {claim}.",
               "Two guided bombs hit an industrial site in {place} {when}, {claim}."),
    "interception": ("Air defences shot down {n} drones over {region} {when}, {claim}.",
                     "{n} missiles were intercepted over {place} {when}, {claim}."),
    "explosion": ("Explosions were heard in {place} {when}, {claim}.",
                  "A fire broke out at a fuel depot in {place} after an explosion {when}, {claim}."),
    "ground_fighting": ("Heavy fighting continued near {place} {when}, {claim}.",
                        "{Att} troops attacked positions near the village of {place} {when}, {claim}."),
    "territorial_change": ("{Att} forces captured the village of {place} {when}, {claim}.",
                           "Troops recaptured {place} {when}, {claim}."),
    "diplomacy": ("Foreign ministers met in {capital} {when} to discuss air defence deliveries, {claim}.",
                  "Talks on a prisoner exchange were held in {capital} {when}, {claim}."),
}
_CAPITALS = ("Kyiv", "Moscow", "Warsaw", "Istanbul", "Geneva", "Berlin", "Ankara", "Doha")
_FILLER = ("The claims could not be independently verified.",
           "Residents were told to stay in shelters until the all-clear.",
           "Repair crews were working to restore power and water supplies.",
           "Kyiv did not immediately comment.",
           "Moscow has denied targeting civilians.",
           "Schools in the area switched to remote lessons.",
           "Photos posted on social media showed a column of smoke over the area.")


def _when(rng: np.random.Generator, published: date) -> str:
    """A date phrase relative to the publication date, as wire copy writes it."""
    back = int(rng.integers(0, 6))
    kind = int(rng.integers(0, 5))
    if kind == 0:
        return "overnight"
    if kind == 1:
        return "on " + _WEEKDAYS[(published - timedelta(days=back)).weekday()]
    if kind == 2:
        return "early on " + _WEEKDAYS[(published - timedelta(days=back)).weekday()]
    if kind == 3:
        return f"on {published - timedelta(days=back):%d %B}".replace(" 0", " ")
    return "last week" if back > 3 else "yesterday"


def _region(p: SynthPlace) -> str:
    """"the Kharkiv region" for an oblast (as wire copy names it), else the place itself."""
    if not p.admin1:
        return p.name
    return "the " + p.admin1.replace(" Oblast", " region").replace(" Krai", " region")


def generate_articles(n: int, places: list[SynthPlace], seed: int = 0) -> list[Article]:
    """`n` wire-copy articles (ids ``synth-article-S-…``): two to five reports each, of varied
    types, at gazetteer places (most reports in big cities), with relative dates, claims and
    filler sentences; deterministic for a seed (pure; no I/O)."""
    if not places:
        raise ValueError("no places to sample from")
    rng = np.random.default_rng(seed)
    weights = _place_weights(len(places), rng)
    day_p = _day_weights()
    out = []
    for i in range(n):
        published = START + timedelta(days=int(rng.choice(DAYS, p=day_p)))
        paragraphs, lead = [], None
        for _ in range(int(rng.integers(2, 6))):
            p = places[int(rng.choice(len(places), p=weights))]
            lead = lead or p
            etype = _TYPES[int(rng.choice(len(_TYPES), p=_TYPE_P))]
            templates = _WIRE_TEMPLATES[etype]
            att = _ATTACKERS[int(rng.integers(0, 2))]
            sent = templates[int(rng.integers(0, len(templates)))].format(
                Att=att, att=att, place=p.name, region=_region(p), n=int(rng.integers(2, 40)),
                when=_when(rng, published), claim=_CLAIMANTS[int(rng.integers(0, len(_CLAIMANTS)))],
                capital=_CAPITALS[int(rng.integers(0, len(_CAPITALS)))])
            sent = sent[0].upper() + sent[1:]
            if rng.random() < 0.5:
                sent += " " + _FILLER[int(rng.integers(0, len(_FILLER)))]
            paragraphs.append(sent)
        out.append(Article(id=f"synth-article-{seed}-{i:07d}", text="\n\n".join(paragraphs), published=published,
                           title=f"Attacks reported in {lead.name}", source="synthetic wire",
                           url=f"https://example.org/synthetic/article/{seed}/{i}"))
    return out
