"""Name normalisation shared by the gazetteer build and lookups."""
from __future__ import annotations

import re
import unicodedata

# Words that name the kind of a first-level division; stripped to get its core name. Compared
# with normalised names, which have no apostrophes ("Kharkivs'ka oblast'" -> "kharkivska oblast").
_REGION_WORDS = (
    "oblast", "kray", "krai", "region", "territory", "province",
    "republic", "respublika", "autonomous", "avtonomna", "okrug", "city", "of", "the",
)
_ADJ_SUFFIXES = ("skaya", "skiy", "ska", "ckaya", "kaya", "skyi")


def normalize_name(name: str) -> str:
    """Lookup key: case-folded, accents stripped, apostrophes dropped, hyphens and dots as spaces."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold().replace("’", "").replace("'", "").replace("`", "").replace("ʼ", "")
    s = re.sub(r"[-‐–—_.]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def is_latin(name: str) -> bool:
    """True for names in Latin script: non-Latin alternate names never match English news text."""
    return all(ord(c) < 0x250 or unicodedata.combining(c) or c in "’ʼ‘" for c in name)


def region_keys(name: str, aliases: list[str]) -> set[str]:
    """Keys under which a region is found: its names, and their cores ('Kharkivska oblast' -> 'kharkiv')."""
    keys = set()
    for n in [name, *aliases]:
        if not n or not is_latin(n):
            continue
        k = normalize_name(n)
        keys.add(k)
        core = " ".join(w for w in k.split() if w not in _REGION_WORDS)
        if core:
            keys.add(core)
            for suf in _ADJ_SUFFIXES:
                if core.endswith(suf) and len(core) > len(suf) + 3:
                    keys.add(core[: -len(suf)])
    return keys
