"""Entity flags on faithful translations (issue 28 item 5): each rule that keeps a rendering
unflagged sits next to the error it must still flag, so a rule grown too lenient fails here."""

import pytest

from align.entities import added_entities, missing_entities
from align.fidelity import check_translation

SEED_COOPERATION = (
    "Nous condamnons la coopération militaire croissante entre la RPDC et la Russie, notamment "
    "l'exportation par la RPDC de missiles balistiques nord-coréens."
)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        # the source refers to the DPRK three times (RPDC, RPDC, nord-coréens): three mentions are a rendering
        (SEED_COOPERATION, "We condemn the increasing military cooperation between the DPRK and Russia, "
         "including the DPRK's export of DPRK ballistic missiles."),
        # a person the source names twice, further apart than the English does
        ("M. Smith a rencontré hier à Paris, pour la première fois, le fils de M. Smith.",
         "Mr Smith met Mr Smith's son in Paris for the first time yesterday."),
    ],
)
def test_a_name_the_source_says_as_often_is_no_repetition(source, target):
    assert added_entities(source, target) == []


@pytest.mark.parametrize(
    ("source", "target", "repeated"),
    [
        ("Des soldats de la RPDC sont en Russie.", "DPRK soldiers of the DPRK are in Russia.", "DPRK"),
        # said twice by the source, three times by a looping draft
        (SEED_COOPERATION, "We condemn the increasing military cooperation between the DPRK and Russia, "
         "including the DPRK's export of the DPRK and DPRK ballistic missiles.", "DPRK"),
        ("M. Smith a rencontré son fils.", "Mr Smith met Smith, the son of Mr Smith.", "Smith"),
    ],
)
def test_a_name_said_more_often_than_the_source_refers_to_it_is_still_added(source, target, repeated):
    assert repeated in added_entities(source, target)


SEED_SUPPORT = (
    "Un soutien direct de ce pays à la guerre d'agression menée par la Russie contre l'Ukraine "
    "représenterait une extension dangereuse du conflit."
)


def test_ce_pays_rendered_by_the_country_it_stands_for_is_no_addition():
    target = "The DPRK's direct support for Russia's war of aggression against Ukraine would be a dangerous expansion of the conflict."
    assert check_translation(SEED_SUPPORT, target) == ()
    assert added_entities("Le pays a fermé ses frontières.", "Japan closed its borders.") == []


@pytest.mark.parametrize(
    ("source", "target", "added"),
    [
        # no "ce pays" in the source: the DPRK is an addition
        (SEED_SUPPORT.replace("de ce pays ", ""), "The DPRK's direct support for Russia's war of aggression against "
         "Ukraine would be a dangerous expansion of the conflict.", ["North Korea"]),
        # one "ce pays" stands for one country, not two
        (SEED_SUPPORT, "China and the DPRK's direct support for Russia's war of aggression against Ukraine would be "
         "a dangerous expansion of the conflict.", ["China", "North Korea"]),
        # "des pays" refers back to no one country
        ("Des pays ont fermé leurs frontières.", "Japan closed its borders.", ["Japan"]),
    ],
)
def test_a_country_no_ce_pays_stands_for_is_still_added(source, target, added):
    assert sorted(added_entities(source, target)) == added
