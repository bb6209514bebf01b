"""Words of place names, shared by recognition (`recognize`), the whole-name passes
(`geoparse`) and the event rules: which tokens can be part of a name, which words are never
places on their own, region words, connectors, and the words that make a name a site or a street."""
from __future__ import annotations

import re

REGION_WORDS = {"region", "regions", "oblast", "oblasts", "territory", "krai", "kray", "province",
                "provinces", "area", "district"}
# Capitalised words that are never places on their own even when a gazetteer has a hamlet of that
# name; inside a longer name they are fine ("South Korea", "West Virginia", "Union City").
_NOT_PLACES = {
    "president", "minister", "ministry", "defence", "defense", "army", "air", "force", "forces",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "patriot", "russian", "ukrainian", "american", "german", "polish",
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "but", "and", "or", "according",
    "state", "secretary", "general", "governor", "mayor", "police", "reuters", "afp", "dpa", "tass",
    "x", "telegram", "video", "videos", "photo", "oops", "please", "something", "meanwhile",
    "separately", "despite", "later", "hours", "officials", "national", "guard", "navy", "center",
    "centre", "city", "town", "village", "union", "west", "east", "north", "south", "european",
    "central", "western", "eastern", "northern", "southern", "federal", "republic", "university",
    "vice", "king", "leader", "officer", "mission", "justice", "god", "star", "bank", "street",
    "chamber", "commerce",
    # Generic words a gazetteer lists as some far-away place's alias ("Region", "Island", "Bay").
    "region", "regions", "oblast", "district", "island", "islands", "bay", "province", "territory",
    "krai", "sea", "river", "lake", "port", "airport", "base", "border", "front", "capital",
}
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){2,3}$")  # "U.S.", "U.K.", "U.S.A."
# "Severn, Md.", "PLEASANTON, Calif.": AP-style state abbreviations, only right after a comma.
_STATE_ABBREVIATION = re.compile(r"^(?:[A-Z][a-z]{1,4}\.|(?:[A-Z]\.){2}|W\.Va\.)$")
_CONNECTORS = {"and", "of", "the", "de", "del", "da", "do", "la", "le", "on", "upon", "&"}
_STREET_NAMES = {"street", "avenue", "road", "boulevard", "lane", "drive", "parade"}
# Words that make a name a site (a building, a street, a campus, a venue, a part of a place)
# rather than an organisation: "Manila Cathedral", "Royal Street", "Oaxaca State", "West Wales".
# Organisations named after a place stay the place ("Washington Post", "Pakistan Army").
_SITE_WORDS = {
    "university", "college", "institute", "academy", "school", "hospital", "cathedral", "church",
    "chapel", "basilica", "mosque", "temple", "castle", "palace", "centre", "center", "airport",
    "station", "stadium", "arena", "park", "gardens", "garden", "square", "bridge", "river", "lake", "island",
    "islands", "harbor", "harbour", "delta", "bay",
    "township", "library", "court", "courthouse", "hall", "cup", "turf", "racecourse", "village",
    "beach", "mountains", "valley", "embassy", "consulate", "state", "city", "municipal", "quarter",
    "west", "east", "north", "south", "western", "eastern", "northern", "southern", "central",
} | _STREET_NAMES


def _is_name_token(tok) -> bool:
    t = tok.text
    if t in ("St.", "Mt.", "Ft.", "ST.", "MT.", "FT."):
        return True
    if _STATE_ABBREVIATION.match(t) and not _ABBREVIATION.match(t):
        return tok.i > 0 and tok.doc[tok.i - 1].text == ","
    return bool(t[:1].isupper() and (re.match(r"^[^\W\d_][\w'’-]*$", t) or _ABBREVIATION.match(t)))

