"""How much to believe an extracted event: a 0-1 score from the evidence the rules had."""
from __future__ import annotations

import re

from ..places import normalize_name
from .toponym import Toponym

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
