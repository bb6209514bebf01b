"""Toponym recognition and resolution, including the known traps (no gold data here)."""
from __future__ import annotations

import pytest


def resolve(extractor, nlp, text):
    rec = extractor.recognizer
    doc = nlp(text)
    return {t.name: t.place for t in rec.resolve(doc, rec.recognize(doc))}


@pytest.mark.parametrize("text,name,cc,admin1", [
    ("Russian forces advanced towards Pokrovsk in Ukraine's Donetsk region.", "Pokrovsk", "UA", "05"),
    ("Fighting was reported near Pokrovsk.", "Pokrovsk", "UA", "05"),          # not Engels (ex-Pokrovsk)
    ("Moscow said the talks had failed.", "Moscow", "RU", "48"),               # not Moscow, Idaho
    ("The Idaho town of Moscow held a fair.", "Moscow", "US", "ID"),          # ...unless the text says so
    ("Drones attacked the port of Odessa overnight.", "Odessa", "UA", "17"),  # not Odessa, Texas
    ("Shelling hit Donetsk, the Russian-installed authorities said.", "Donetsk", "UA", "05"),
    ("Russian troops shelled Zolochiv in the Kharkiv region.", "Zolochiv", "UA", "07"),
    ("The governor said Zolochiv in the Lviv region was calm.", "Zolochiv", "UA", "15"),
    ("A drone hit Ivanivka in the Kherson region.", "Ivanivka", "UA", "08"),
    ("A missile struck Mykolaiv, the regional governor said.", "Mykolaiv", "UA", "16"),
    ("Kiev denied the report.", "Kiev", "UA", "12"),                           # spaCy: PERSON
    ("Explosions were heard in the Belgorod region.", "Belgorod", "RU", "09"),  # spaCy: ORG
    ("Fighting continued near Artemovsk.", "Artemovsk", "UA", "05"),          # former name of Bakhmut
    ("Troops pushed into the Kharkov region.", "Kharkov", "UA", "07"),
])
def test_traps(extractor, nlp, text, name, cc, admin1):
    place = resolve(extractor, nlp, text)[name]
    assert (place.country_code, place.admin1_code) == (cc, admin1)


def test_region_phrases_resolve_to_first_level_divisions(extractor, nlp):
    places = resolve(extractor, nlp, "Drones were downed over the Mykolaiv and Kherson regions and the Krasnodar Territory.")
    assert {p.feature for p in places.values()} == {"region"}
    assert places["Krasnodar"].country_code == "RU"


def test_village_missing_from_gazetteer_falls_back_to_named_region(extractor, nlp):
    place = resolve(extractor, nlp, "Russian forces captured Hlyboke in the Kharkiv region.")["Hlyboke"]
    assert place.feature == "region" and place.admin1_code == "07"


def test_supplement_place_has_provenance(extractor, nlp):
    place = resolve(extractor, nlp, "Track was damaged near the village of Kotluban.")["Kotluban"]
    assert place.source == "supplement" and abs(place.lat - 49.017) < 0.01 and abs(place.lon - 44.233) < 0.01


@pytest.mark.parametrize("text,not_a_place", [
    ("Institute for the Study of War (ISW) wrote on Monday.", "War"),
    ("The head of HUR military intelligence spoke.", "HUR"),
    ("US Secretary of State Antony Blinken arrived.", "Antony"),
    ("Two Patriot systems are necessary.", "Patriot"),
])
def test_not_places(extractor, nlp, text, not_a_place):
    assert not_a_place not in resolve(extractor, nlp, text)


def test_offsets_point_at_the_name(extractor, nlp):
    text = "Ukrainian drones struck the oil refinery in Tuapse, on Russia's Black Sea coast."
    rec = extractor.recognizer
    doc = nlp(text)
    for t in rec.recognize(doc):
        assert text[t.start:t.end] == t.name


@pytest.mark.parametrize("text,name,feature,cc", [
    ("Protests spread across California on Sunday.", "California", "region", "US"),   # state, not a town
    ("The fire near Pleasanton, California, spread.", "Pleasanton", "city", "US"),
    ("Russian officials met European diplomats.", "Russian", "country", "RU"),        # demonyms
    ("Russian officials met European diplomats.", "European", "continent", ""),
    ("The talks in the U.S. capital ended.", "U.S.", "country", "US"),
    ("South Korea and Japan signed the deal.", "South Korea", "country", "KR"),
    ("WASHINGTON (AP) — The Senate voted on Tuesday.", "WASHINGTON", "city", "US"),  # dateline
    ("Drones were shot down over the Black Sea.", "Black Sea", "water", ""),
])
def test_more_traps(extractor, nlp, text, name, feature, cc):
    place = resolve(extractor, nlp, text)[name]
    assert (place.feature, place.country_code) == (feature, cc)


def test_person_names_are_not_repeated_as_places(extractor, nlp):
    text = "John Kelly spoke on Monday. Kelly said the plan would work."
    assert "Kelly" not in resolve(extractor, nlp, text)


def test_sea_named_for_its_coast_is_no_toponym(extractor, nlp):
    places = resolve(extractor, nlp, "Drones struck the refinery in Tuapse, on Russia's Black Sea coast.")
    assert "Black Sea" not in places and "Sea" not in places and places["Tuapse"].country_code == "RU"


def test_demonyms_are_marked(extractor, nlp):
    rec = extractor.recognizer
    doc = nlp("Ukrainian drones hit a Russian refinery.")
    tops = rec.resolve(doc, rec.recognize(doc))
    assert tops and all(t.is_demonym and t.to_dict("a")["kind"] == "demonym" for t in tops)


def test_region_centre_is_inside_the_region(extractor, nlp):
    place = resolve(extractor, nlp, "Explosions were heard in the Belgorod region.")["Belgorod"]
    assert place.feature == "region" and 49.5 < place.lat < 51.5 and 35 < place.lon < 39.5


def annotate(extractor, nlp, text):
    """What `python -m geo toponyms` reports for `text`: name -> Toponym."""
    return {t.name: t for t in extractor.recognizer.toponyms(nlp(text))}


def test_site_named_after_a_place_is_reported_whole_at_that_place(extractor, nlp):
    tops = annotate(extractor, nlp, "Students at the University of Alberta marched on Friday.")
    site = tops["University of Alberta"]
    assert site.within == "Alberta" and site.place.feature == "region" and site.place.country_code == "CA"
    assert site.to_dict("a")["kind"] == "named_after"
    assert "Alberta" not in tops


def test_organisation_named_after_a_place_stays_the_place(extractor, nlp):
    tops = annotate(extractor, nlp, "The Washington Post reported the deal on Monday.")
    assert "Washington" in tops and tops["Washington"].within is None
    assert not any("Post" in name for name in tops)


def test_street_is_put_in_the_articles_main_city(extractor, nlp):
    text = ("Firefighters closed Royal Street in Kharkiv on Tuesday. Kharkiv officials said a drone "
            "had hit a shop there, and residents of Kharkiv were told to stay inside.")
    street = annotate(extractor, nlp, text)["Royal Street"]
    assert street.place.name == "Kharkiv" and street.place.country_code == "UA"


def test_street_without_a_city_in_the_article_is_not_placed_by_its_name_alone(extractor, nlp):
    tops = annotate(extractor, nlp, "Firefighters closed Royal Street on Tuesday.")
    assert "Royal Street" not in tops or tops["Royal Street"].place.name != "Royal"


def test_unrelated_alias_loses_to_a_place_bearing_the_name(extractor, nlp):
    # Harare was once called Salisbury; a bare "Salisbury" today is a place of that name.
    place = resolve(extractor, nlp, "Police in Salisbury closed the road.")["Salisbury"]
    assert place.name == "Salisbury" and place.country_code != "ZW"


def test_washington_dc_is_one_toponym(extractor, nlp):
    tops = annotate(extractor, nlp, "The senator flew back to Washington, D.C., on Sunday.")
    assert tops["Washington, D.C."].place.country_code == "US"
    assert "D.C." not in tops and "Washington" not in tops


def test_acronym_of_a_country_the_article_names(extractor, nlp):
    tops = annotate(extractor, nlp, "South Africa exports platinum. Mines in SA employ thousands.")
    assert tops["SA"].place.country_code == "ZA"
    assert "SA" not in annotate(extractor, nlp, "Mines in SA employ thousands.")


def test_division_containing_the_articles_cities_wins_over_the_capital(extractor, nlp):
    text = "Rain flooded Seattle, Tacoma and Spokane. Washington declared an emergency."
    place = resolve(extractor, nlp, text)["Washington"]
    assert (place.feature, place.admin1_code) == ("region", "WA")
    assert resolve(extractor, nlp, "Washington declared an emergency.")["Washington"].feature == "city"


def test_place_after_a_strong_cue_despite_a_date_label(extractor, nlp):
    # spaCy's small model labels "Manbij" DATE here.
    places = resolve(extractor, nlp, "Fighters regrouped in Manbij near the Turkish border last spring.")
    assert places["Manbij"].country_code == "SY"


def test_place_named_in_a_persons_name_is_still_a_place_after_in(extractor, nlp):
    places = resolve(extractor, nlp, "Mary Riverdale Smith opened a bakery. Crime fell in Riverdale last year.")
    assert places["Riverdale"].country_code == "US"
    assert "Kelly" not in resolve(extractor, nlp, "Joe Kelly spoke. Kelly said the vote was close.")


def test_division_code_of_the_articles_places(extractor, nlp):
    text = "Kamloops and Kelowna opened new offices. FrontCounter BC now serves both cities."
    tops = annotate(extractor, nlp, text)
    assert (tops["BC"].place.name, tops["BC"].place.feature) == ("British Columbia", "region")
    dotted = annotate(extractor, nlp, "Wildfires hit Kamloops, and the B.C. government declared an emergency.")
    assert dotted["B.C."].place.name == "British Columbia"
    assert "BC" not in annotate(extractor, nlp, "FrontCounter BC now serves both cities.")


def test_list_mates_share_a_feature(extractor, nlp):
    text = "Tech firms left western states such as California, Oregon or Washington for Texas."
    assert resolve(extractor, nlp, text)["Washington"].feature == "region"
    assert resolve(extractor, nlp, "Tech firms left Washington for Texas.")["Washington"].feature == "city"


@pytest.mark.parametrize("text,word", [
    ("Snodgrass of Aston Villa scored twice.", "Aston"),          # a club, not the village of Aston
    ("Fans of Alfa Romeo cheered.", "Alfa"),                       # a carmaker spaCy missed
])
def test_small_place_glued_to_other_names_is_part_of_that_name(extractor, nlp, text, word):
    assert word not in resolve(extractor, nlp, text)


def test_small_place_next_to_a_date_or_title_is_still_a_place(extractor, nlp):
    assert "Vovchansk" in resolve(extractor, nlp, "Russian troops entered Vovchansk Tuesday, officials said.")


def test_mixed_case_abbreviations_are_not_places_but_country_codes_are(extractor, nlp):
    places = resolve(extractor, nlp, "The MoD said US and UK officials met in the EU capital.")
    assert "MoD" not in places and {"US", "UK", "EU"} <= set(places)


def test_landmarks_are_places_of_their_own(extractor, nlp):
    places = resolve(extractor, nlp, "Kremlin spokesman Dmitry Peskov spoke as White House officials met.")
    assert (places["Kremlin"].feature, places["Kremlin"].country_code) == ("landmark", "RU")
    assert (places["White House"].feature, places["White House"].admin1_code) == ("landmark", "DC")  # not Casablanca
    plant = resolve(extractor, nlp, "Shelling hit the Zaporizhzhia nuclear power plant.")["Zaporizhzhia nuclear power plant"]
    assert plant.feature == "landmark" and abs(plant.lon - 34.59) < 0.05  # at Enerhodar, 50 km from the city


def test_division_codes_that_are_words_stay_words(extractor, nlp):
    tops = annotate(extractor, nlp, "Storms hit Tulsa and Norman. OK, officials said, the damage was light.")
    assert "OK" not in tops and tops["Tulsa"].place.admin1_code == "OK"


# Bahachivka: two villages of under 1,000 people, in Cherkasy (UA.01) and Mykolaiv (UA.16) oblasts.
def test_same_named_villages_without_context_are_not_guessed(extractor, nlp):
    assert resolve(extractor, nlp, "Russian drones hit the village of Bahachivka overnight.")["Bahachivka"] is None


@pytest.mark.parametrize("text,admin1", [
    ("Russian drones hit the village of Bahachivka in the Mykolaiv region overnight.", "16"),
    ("The governor of Cherkasy Oblast said Russian drones hit the village of Bahachivka overnight.", "01"),
    ("Russian drones hit Zvenyhorodka overnight. Debris fell on the village of Bahachivka.", "01"),  # 10 km away
    ("Russian drones hit Pervomaisk overnight. Debris fell on the village of Bahachivka.", "16"),  # 25 km away
])
def test_context_chooses_among_same_named_villages(extractor, nlp, text, admin1):
    place = resolve(extractor, nlp, text)["Bahachivka"]
    assert (place.feature, place.country_code, place.admin1_code) == ("city", "UA", admin1)


def test_same_named_villages_of_the_named_division_resolve_to_that_division(extractor, nlp):
    # Zaporizhzhia oblast has two villages called Vysoke, 56 km apart: the oblast is what the text supports.
    place = resolve(extractor, nlp, "Russian troops shelled the village of Vysoke in the Zaporizhzhia region.")["Vysoke"]
    assert (place.feature, place.country_code, place.admin1_code) == ("region", "UA", "26")


def test_old_city_name_written_as_a_region_phrase_elsewhere_is_the_region(extractor, nlp):
    """'the Kirovohrad region' ... 'Kirovohrad officials': the region (the city was renamed)."""
    text = "Drones were downed over the Kirovohrad region. Kirovohrad officials reported no damage."
    doc = nlp(text)
    places = [t.place for t in extractor.recognizer.resolve(doc, extractor.recognizer.recognize(doc))
              if t.name == "Kirovohrad"]
    assert places and {p.feature for p in places} == {"region"}
