"""Acronyms on either side (issue 28 item 5): an acronym of the other side's words, written out, in
brackets or left to the context is a rendering; each rule sits next to the swap it must still flag."""

import pytest

from align.entities import added_entities, missing_entities
from align.fidelity import check_translation
from align.name_acronyms import glossary_names


@pytest.mark.parametrize(
    ("source", "target", "other", "added"),
    [
        # seen running align check on the G7 statement of 5 November 2024 in ../shared/data/statements
        ("La République populaire démocratique de Corée continue de renforcer ses capacités.",
         "The DPRK continues to advance its capabilities.", "The ROK continues to advance its capabilities.", "ROK"),
        ("L'Organisation du traité de l'Atlantique Nord se réunit à Bruxelles.", "NATO meets in Brussels.",
         "The OSCE meets in Brussels.", "OSCE"),
    ],
)
def test_a_french_name_written_out_is_rendered_by_its_english_acronym(source, target, other, added):
    assert check_translation(source, target) == ()
    assert added_entities(source, other) == [added]


def test_a_two_word_name_must_end_in_lower_case_to_be_a_glossary_acronym():
    # "Union européenne" is the UE; two capitalised words are two names, not the PS (Socialist)
    assert missing_entities("L'Union européenne a tranché.", "The EU decided.") == []
    assert missing_entities("Paul Smith a parlé.", "The Socialist spoke.") == ["Paul Smith"]


def test_an_acronym_in_brackets_may_take_more_than_a_words_initial():
    source = "le lancement d’un missile balistique intercontinental le 31 octobre"
    assert added_entities(source, "the October 31 launch of an Intercontinental Ballistic Missile (ICBM)") == []
    # an acronym the bracketed name does not spell, and a name the source lacks, are still added
    assert added_entities(source, "the October 31 launch of a Ballistic Missile (SLBM)") == ["SLBM"]
    assert added_entities("le lancement d’un missile balistique", "the launch of an Intercontinental Ballistic Missile (ICBM)") != []


def test_an_english_name_whose_initials_are_the_sources_acronym_renders_it():
    # seen on UD PUD (../shared/data/segment/ud-pud-fr-en), line 815
    source = "FO regrette que ses remarques n'aient pas été intégrées, dit Mme Gillard."
    assert added_entities(source, "The Force Ouvrière union regrets that its remarks were not included, said Ms. Gillard.") == []
    assert added_entities(source, "The Force Nationale union regrets that its remarks were not included, said Ms. Gillard.") == [
        "Force Nationale"
    ]
    # initials only: "North Sea" does not spell the NSA
    assert added_entities("Il a été repéré grâce à la NSA.", "He was spotted in the North Sea thanks to the NSA.") == ["North Sea"]


def test_an_elided_letter_split_off_its_word_is_no_initial_of_a_written_out_name():
    # missing_entities reads the source with its elisions split: "s' applique" must not make
    # "Une restriction similaire s'" the URSS (Soviet Union)
    assert glossary_names("Une restriction similaire s' applique aux enfants.") == []
    assert [a for a, _, _ in glossary_names("l' Union des républiques socialistes soviétiques")] == ["URSS"]


@pytest.mark.parametrize(
    ("source", "target", "added"),
    [
        # an English acronym of the French name written out, lower-case words included
        ("Elle a été reprise par les Forces armées de la République démocratique du Congo.",
         "It was recaptured by the Armed Forces of the Democratic Republic of Congo (FARDC).", []),
        ("Elle a été reprise par l'armée.", "It was recaptured by the FARDC.", ["FARDC"]),
        # the name an acronym kept from French stands for, in English word order
        ("Comment s'est passé le debriefing DGSE ?",
         "How did the debriefing with the DGSE (Directorate General for External Security) go?", []),
        ("Comment s'est passé le debriefing DGSE ?",
         "How did the debriefing with the DGSE (Directorate General for Internal Security) go?", ["General for Internal Security"]),
        # each side glosses its own name for the same acronym in brackets
        ("La France a été déclarée indemne par l'Office international des épizooties (OIE).",
         "France was declared free by the World Organisation for Animal Health (OIE).", []),
        ("La France a été déclarée indemne par l'Office international des épizooties.",
         "France was declared free by the World Organisation for Animal Health (OIE).",
         ["World Organisation for Animal Health"]),
    ],
)
def test_acronyms_spelt_out_reordered_or_glossed_on_both_sides(source, target, added):
    assert added_entities(source, target) == added


@pytest.mark.parametrize(
    ("source", "target", "added", "missing"),
    [
        # a French acronym in brackets after the words it abbreviates, "pour" left out: the words carry it
        ("Ils remplacent les objectifs du millénaire pour le développement (OMD).", "They replace the millennium development goals.", [], []),
        ("Ils remplacent les objectifs du millénaire (OMD).", "They replace the goals.", [], ["OMD"]),
        # an English acronym of its own hyphenated words
        ("Bombardier évalue le calendrier d'entrée en service.", "Bombardier is evaluating the entry-into-service (EIS) schedule.", [], []),
        ("Bombardier évalue le calendrier d'entrée en service.", "Bombardier is evaluating the entry-into-service (EIA) schedule.", ["EIA"], []),
        # a currency's ISO code before an amount the French gives without one
        ("Ils sont de 1,8 milliard cette année.", "They stand at CAD 1,800 million this year.", [], []),
        ("Ils sont de 1,8 milliard cette année.", "They stand at 1,800 million this year, says the CIA.", ["CIA"], []),
    ],
)
def test_acronyms_glossing_their_words_and_currency_codes(source, target, added, missing):
    assert added_entities(source, target) == added
    assert missing_entities(source, target) == missing
