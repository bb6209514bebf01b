"""Context rules of resolution (geo/nlp/resolution.py), on invented sentences."""
from __future__ import annotations

import pytest


def resolve(extractor, nlp, text):
    rec = extractor.recognizer
    doc = nlp(text)
    return {t.name: t.place for t in rec.resolve(doc, rec.recognize(doc))}


@pytest.mark.parametrize("text,name,cc,admin1,feature", [
    # a division whose same-named cities all lie elsewhere needs a third of its size, not a tenth
    ("A federal judge in Wyoming halted the rule on Friday.", "Wyoming", "US", "WY", "region"),
    # ...but not against a city inside it or a national capital
    ("Washington said the sanctions would stay in place.", "Washington", "US", "DC", "city"),
    ("New York has ordered more buses for the winter.", "New York", "US", "NY", "city"),
    ("Heavy rain flooded streets in Kharkiv on Monday.", "Kharkiv", "UA", "07", "city"),
])
def test_divisions_and_their_namesakes(extractor, nlp, text, name, cc, admin1, feature):
    place = resolve(extractor, nlp, text)[name]
    assert (place.country_code, place.admin1_code, place.feature) == (cc, admin1, feature)


@pytest.mark.parametrize("text,name,cc,admin1", [
    ("US officials from Washington and Ohio visited the English city of Salisbury.", "Salisbury", "GB", "ENG"),
    ("Tourists returned to the Italian city of Venice after the floods.", "Venice", "IT", None),
])
def test_demonym_before_city_of_names_the_country(extractor, nlp, text, name, cc, admin1):
    place = resolve(extractor, nlp, text)[name]
    assert place.country_code == cc and (admin1 is None or place.admin1_code == admin1)


def test_county_in_the_state_the_article_names(extractor, nlp):
    places = resolve(extractor, nlp, "The Kentucky budget gives new money to schools in Pike County.")
    assert (places["Pike County"].country_code, places["Pike County"].admin1_code) == ("US", "KY")


def test_part_of_a_compound_country_name_the_article_writes_whole(extractor, nlp):
    places = resolve(extractor, nlp, "Trinidad and Tobago asked for help; flights to Trinidad resumed on Monday.")
    assert places["Trinidad"].country_code == "TT" and places["Trinidad"].feature == "country"


def _town(geonameid, name, admin1, population, cc="US"):
    from geo.places import Place

    return Place(geonameid, name, 40.0 + geonameid % 7, -80.0 - geonameid % 5, cc, admin1, "city", population, "test")


@pytest.mark.parametrize("alias_cc,expected", [("US", -2), ("CA", -1)])
def test_alias_naming_another_town_of_its_country_loses_to_that_town(extractor, nlp, alias_cc, expected):
    """Invented entries: a big town listing 'Elmbrook' among its aliases, and a small town of that
    name. In the same country the alias is a mistake and the own-named town wins; abroad it may be
    a former or foreign name, and size decides as before."""
    from geo.nlp.resolution import Resolver
    from geo.nlp.toponym import Toponym

    doc = nlp("The fair was held in Elmbrook on Sunday.")
    own, big = _town(-2, "Elmbrook", "NY", 5000), _town(-1, "Riverton Heights", "IN", 100_000, alias_cc)
    t = Toponym(20, 28, "Elmbrook", 5, 6, candidates=(big, own))
    Resolver(extractor.recognizer.gazetteer).resolve(doc, [t])
    assert t.place.geonameid == expected


@pytest.mark.parametrize("text,name,feature,admin1", [
    # a place of the article inside the division supports the centre city it is named after as much
    ("NEW YORK (AP) - Lawmakers in Albany passed the budget on Friday.", "NEW YORK", "city", "NY"),
])
def test_anchor_inside_a_division(extractor, nlp, text, name, feature, admin1):
    place = resolve(extractor, nlp, text)[name]
    assert (place.feature, place.admin1_code) == (feature, admin1)


def test_division_code_after_a_place_and_a_comma(extractor, nlp):
    places = resolve(extractor, nlp, "CHARLESTON COUNTY, SC (WXYZ) - A bridge was closed on Monday.")
    assert places.get("SC") is not None and places["SC"].name == "South Carolina"


def test_county_chosen_again_once_later_names_are_placed(extractor, nlp):
    """Invented entries: two same-named counties of similar size, and a town named after the
    county that lies in the smaller one; the town, read later, decides the county."""
    from geo.nlp.resolution import Resolver
    from geo.nlp.toponym import Toponym
    from geo.places import Place

    doc = nlp("Elm County detectives searched a house in Oakfield on Tuesday.")
    big = Place(-1, "Elm County", 42.3, -71.0, "US", "MA", "district", 800_000, "test")
    small = Place(-2, "Elm County", 40.9, -72.7, "US", "NY", "district", 600_000, "test")
    town = Place(-3, "Oakfield", 41.0, -72.5, "US", "NY", "city", 5000, "test")
    namesake = Place(-4, "Oakfield", 35.0, -100.0, "US", "TX", "city", 4000, "test")
    county = Toponym(0, 10, "Elm County", 0, 2, candidates=(big, small))
    place = Toponym(42, 50, "Oakfield", 8, 9, candidates=(town, namesake))
    Resolver(extractor.recognizer.gazetteer).resolve(doc, [county, place])
    assert (county.place.geonameid, place.place.geonameid) == (-2, -3)
