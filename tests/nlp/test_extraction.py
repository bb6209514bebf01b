"""Event rules, one table per rule: each sentence with the events expected (type, place, date)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.model import EVENT_TYPES, Article

PUB = date(2024, 5, 14)  # a Tuesday


def extract(extractor, nlp, text, published=PUB):
    art = Article(id="t", text=text, published=published)
    return extractor.extract(art, nlp(text))


def summary(events):
    return sorted((e.event_type, e.place, e.date) for e in events)


EVENT_TYPE_CASES = [
    ("Two guided bombs hit a hardware store in Kharkiv on Saturday.", [("strike", "Kharkiv", "2024-05-11")]),
    ("Air defence shot down 25 missiles over Belgorod, the ministry said.", [("interception", "Belgorod", "2024-05-14")]),
    ("Explosions were heard in Belgorod on Monday.", [("explosion", "Belgorod", "2024-05-13")]),
    ("Russian troops attacked positions near Vovchansk on Friday.", [("ground_fighting", "Vovchansk", "2024-05-10")]),
    ("Russian forces captured the village of Lyptsi yesterday.", [("territorial_change", "Lyptsi", "2024-05-13")]),
    ("Kuleba met Sikorski in Warsaw on Monday.", [("diplomacy", "Warsaw", "2024-05-13")]),
    ("Ukrainian forces recaptured Vovchansk on Sunday.", [("territorial_change", "Vovchansk", "2024-05-12")]),
    ("Kyiv said it had destroyed a Russian air defence system in Sevastopol.", [("strike", "Sevastopol", "2024-05-14")]),
    ("Air defences destroyed 12 drones over Belgorod.", [("interception", "Belgorod", "2024-05-14")]),
    ("Ukrainian forces pulled back from Lyptsi on Monday.", [("territorial_change", "Lyptsi", "2024-05-13")]),
    ("Sea drones attacked the Crimean Bridge on Monday.", [("strike", "Crimean Bridge", "2024-05-13")]),
    ("Shelling hit the Zaporizhzhia nuclear power plant on Sunday.",
     [("strike", "Zaporizhzhia Nuclear Power Plant", "2024-05-12")]),
]

REFERENCE_PLACES = [  # places that only locate another place are no event places
    ("Russian artillery shelled Nikopol across the Dnipro river.", "Nikopol"),
    ("Ukrainian troops withdrew from the village of Lyptsi near Kharkiv.", "Lyptsi"),
    ("A missile struck the centre of Kupiansk, east of Kharkiv.", "Kupyansk"),
    ("Drones launched from Ukraine struck Belgorod.", "Belgorod"),
    ("The Washington-based ISW said Russian forces attacked Vovchansk.", "Vovchansk"),
]

DATE_CASES = [
    ("Drones struck Odesa on Tuesday.", "2024-05-14"),
    ("Drones struck Odesa four days ago.", "2024-05-10"),
    ("Drones struck Odesa overnight.", "2024-05-14"),
    ("Drones struck Odesa last Thursday.", "2024-05-09"),
    ("Drones struck Odesa yesterday, the governor said on Tuesday.", "2024-05-13"),  # event date, not report date
    ("Drones struck Odesa overnight, the governor said on Sunday.", "2024-05-12"),  # relative to the report
]

NON_EVENTS = [
    "Later in the week he is expected in Italy for the G7 summit.",
    "The Kremlin said the talks had failed.",
    "Moscow denied that its missiles had hit Kharkiv.",
    "Russia was not invited to the summit in Lucerne.",
    "If Russia attacks Kharkiv again, the West will respond.",
    "Two Patriot systems are necessary to protect Kharkiv.",
    "Moscow did not comment.",
]

MULTI_PLACE = [
    ("A missile attack struck Dnipro, Kryvyi Rih, Sloviansk and Kramatorsk on Monday.", 4),
    ("Drones were shot down over the Mykolaiv and Kherson regions overnight.", 2),
    ("Air defences downed drones over the Belgorod, Kursk and Bryansk regions.", 3),
    ("Heavy clashes were reported near Chasiv Yar and Toretsk on Monday.", 2),
]

ATTRIBUTION = [
    ("The Russian Ministry of Defence announced that missiles had hit Kharkiv.", "Russian Ministry of Defence"),
    ("According to Ukrainian media, drones struck Belgorod.", "Ukrainian media"),
    ("Drones struck Tuapse overnight, local authorities said.", "local authorities"),
    ("Explosions were heard in Belgorod, TASS reported.", "TASS"),
]


@pytest.mark.parametrize("text,expected", EVENT_TYPE_CASES)
def test_event_types(extractor, nlp, text, expected):
    got = [(t, p, d) for t, p, d in summary(extract(extractor, nlp, text))]
    assert got == expected


@pytest.mark.parametrize("text,place", REFERENCE_PLACES)
def test_reference_places_are_not_event_places(extractor, nlp, text, place):
    assert {e.place for e in extract(extractor, nlp, text)} == {place}


@pytest.mark.parametrize("text,expected_date", DATE_CASES)
def test_dates(extractor, nlp, text, expected_date):
    (ev,) = extract(extractor, nlp, text)
    assert ev.date == expected_date


@pytest.mark.parametrize("text", NON_EVENTS)
def test_non_events(extractor, nlp, text):
    assert extract(extractor, nlp, text) == []


@pytest.mark.parametrize("text,n", MULTI_PLACE)
def test_several_places_in_one_sentence(extractor, nlp, text, n):
    events = extract(extractor, nlp, text)
    assert len(events) == n and len({e.place for e in events}) == n


@pytest.mark.parametrize("text,claimant", ATTRIBUTION)
def test_attribution(extractor, nlp, text, claimant):
    (ev,) = extract(extractor, nlp, text)
    assert ev.claimed_by == claimant


def test_place_of_occurrence_not_of_announcement(extractor, nlp):
    text = "In Moscow, the Defence Ministry reported that Russian troops had captured the village of Lyptsi."
    assert summary(extract(extractor, nlp, text)) == [("territorial_change", "Lyptsi", "2024-05-14")]


def test_same_occurrence_told_twice_is_one_event_with_the_specific_place(extractor, nlp):
    text = ("A train was derailed by a drone attack in the Russian region of Volgograd. "
            "The derailed train damaged track near the village of Kotluban.")
    (ev,) = extract(extractor, nlp, text)
    assert ev.place == "Kotluban" and ev.precision == "place"


def test_unverified_claims_are_flagged(extractor, nlp):
    text = ("The ministry said air defences shot down 25 missiles over Belgorod. "
            "This could not initially be independently verified.")
    (ev,) = extract(extractor, nlp, text)
    assert ev.verified is False and ev.quantities.get("downed") == 25


def test_evidence_is_the_sentence(extractor, nlp):
    text = "Some context here. Drones struck Odesa on Tuesday. More text."
    (ev,) = extract(extractor, nlp, text)
    assert text[ev.evidence_start:ev.evidence_end] == ev.evidence == "Drones struck Odesa on Tuesday."


WORDS = st.sampled_from(["Kharkiv", "Belgorod", "struck", "shot", "down", "drones", "missiles", "on",
                         "Tuesday", "the", "region", "of", "said", "village", "captured", "Moscow", ",",
                         ".", "\n", "met", "in", "Kyiv", "not", "<script>", "=SUM(A1)", "😀", "Ä"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, max_size=40).map(" ".join) | st.text(max_size=300),
       st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))))
def test_never_crashes_and_evidence_lies_inside_the_article(extractor, nlp, text, published):
    for ev in extract(extractor, nlp, text, published):
        assert ev.event_type in EVENT_TYPES
        assert 0 <= ev.evidence_start <= ev.evidence_end <= len(text)
        assert text[ev.evidence_start:ev.evidence_end] == ev.evidence


def test_acled_mapping_and_actors(extractor, nlp):
    (ev,) = extract(extractor, nlp, "Russian drones hit a petrol station in Okhtyrka on Saturday.")
    assert (ev.acled_event_type, ev.acled_sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert ev.sub_type == "drone" and ev.actors == ["Russian forces"]
    (ev,) = extract(extractor, nlp, "Ukrainian troops fought Russian forces near Sudzha on Tuesday.")
    assert ev.acled_event_type == "Battles" and ev.actors[0] == "Ukrainian forces"
