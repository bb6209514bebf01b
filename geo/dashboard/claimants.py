"""Who claims an event, normalised: one canonical name per claimant with its spelling variants,
vague sources ("officials", "the ministry") grouped as such, and the side each claimant speaks for.

One table (CLAIMANTS), read top to bottom: the first pattern matching a raw ``claimed_by`` wins.
A claimant no row matches keeps its own name (first letter capitalised) and no side.
"""
from __future__ import annotations

import re

import pandas as pd

#: (canonical name, side it speaks for or "", regular expression of its variants, matched case-insensitively
#: against the raw claimant with "'s" and "the " removed).
CLAIMANTS: tuple[tuple[str, str, str], ...] = (
    ("Russian Ministry of Defence", "RU",
     r"\brussian?\b.*\b(defen[cs]e ministry|ministry of defen[cs]e|mod)\b|^(russian )?mod$"),
    ("Russian state media (TASS, RIA)", "RU", r"\b(tass|ria novosti|ria)\b"),
    ("Russian officials", "RU", r"\brussian?\b.*\b(officials?|authorities|government|governor)\b"),
    ("Russian military", "RU", r"\brussian?\b.*\b(army|military|armed forces|forces)\b"),
    ("Ukrainian Air Force", "UA", r"\bukrain(e|ian)\b.*\bair force\b"),
    ("Ukrainian General Staff", "UA", r"\bgeneral staff\b"),
    ("Ukrainian military intelligence", "UA", r"\bukrain(e|ian)\b.*\bmilitary intelligence\b|\b(hur|gur)\b"),
    ("Ukrainian military", "UA", r"\bukrain(e|ian)\b.*\b(army|military|armed forces|forces)\b"),
    ("President Zelensky", "UA", r"\bzelensk"),
    ("Ukrainian officials", "UA", r"\bukrain(e|ian)\b.*\b(officials?|authorities|government|ministry)\b"),
    ("Local or regional officials", "",
     r"\b(regional|local|city|oblast|district)\b.*\b(governor|officials?|authorit(y|ies)|administration|mayor"
     r"|police)\b|\bgovernor\b|\bmayor\b|\bpolice chief\b"),
    ("Officials (unnamed)", "", r"^(officials?|authorities|sources?|ministry|energy ministry|government"
     r"|spokesm[ae]n|military|army)$"),
)
_COMPILED = tuple((name, side, re.compile(rx, re.IGNORECASE)) for name, side, rx in CLAIMANTS)


def _plain(raw: str) -> str:
    text = re.sub(r"[’']s\b", "", raw.strip())
    return re.sub(r"^the\s+", "", re.sub(r"\s+", " ", text), flags=re.IGNORECASE)


def canonical_claimant(raw: object) -> tuple[str | None, str]:
    """(canonical name, side) of a raw ``claimed_by``; (None, "") when nobody is named."""
    if raw is None or (isinstance(raw, float) and raw != raw) or not str(raw).strip():
        return None, ""
    text = _plain(str(raw))
    for name, side, rx in _COMPILED:
        if rx.search(text):
            return name, side
    return text[:1].upper() + text[1:], ""


def claimant_columns(claimed_by: pd.Series) -> pd.DataFrame:
    """``claimant`` (canonical name) and ``claimant_side`` for each row, worked out once per distinct value."""
    codes, uniques = pd.factorize(claimed_by)
    pairs = [canonical_claimant(u) for u in uniques] + [(None, "")]
    names = pd.array([p[0] for p in pairs], dtype="str")
    sides = pd.array([p[1] for p in pairs], dtype="str")
    return pd.DataFrame({"claimant": names[codes], "claimant_side": sides[codes]}, index=claimed_by.index)


def claimed_not_verified(df: pd.DataFrame) -> int:
    """Events claimed by one side (a claimant speaking for a party) that nobody independently
    confirmed (``verified`` not true): what "Claimed, not verified" counts."""
    if "claimant_side" not in df:
        return 0
    sided = df["claimant_side"].fillna("").astype(str) != ""
    confirmed = df["verified"].fillna(False).astype(bool)
    return int((sided & ~confirmed).sum())
