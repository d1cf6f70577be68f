"""Quality flags on hand-written drafts, and their false-positive rate on human translations."""

from pathlib import Path

import pytest

from align.quality import check_draft, missing_numbers, number_readings, severity, untranslated_words

RPDC_SOURCE = "Plusieurs milliers de soldats de la RPDC ont été déployés en Russie."
RESOLUTIONS_SOURCE = (
    "Le fait pour des soldats de la RPDC de recevoir une quelconque formation constitue une violation "
    "directe des résolutions 1718, 1874 et 2270 du Conseil de sécurité des Nations Unies."
)
RESOLUTIONS_DRAFT = (
    "DPRK soldiers receiving any training is a direct violation of UN Security Council "
    "resolutions 1718, 1874 and 2270."
)


def test_good_translation_has_no_flags():
    assert check_draft(RPDC_SOURCE, "Several thousand DPRK troops have been deployed to Russia.") == ()
    assert check_draft(RESOLUTIONS_SOURCE, RESOLUTIONS_DRAFT) == ()


def test_rpdc_rendered_as_another_country_is_flagged():
    flags = check_draft(RPDC_SOURCE, "Several thousand Russian soldiers have been deployed to Russia.")
    assert "entity-missing:RPDC" in flags
    flags = check_draft("Les soldats de la RPDC sont arrivés.", "The Russian soldiers have arrived.")
    assert "entity-missing:RPDC" in flags and "entity-added:Russia" in flags


def test_north_korea_counts_for_rpdc():
    assert check_draft(RPDC_SOURCE, "Several thousand North Korean soldiers have been deployed to Russia.") == ()


def test_dropped_resolution_number_is_flagged():
    draft = RESOLUTIONS_DRAFT.replace(" and 2270", "")
    assert [f for f in check_draft(RESOLUTIONS_SOURCE, draft) if f.startswith("number")] == ["number-changed:2270"]


def test_french_and_english_number_formats_compare_equal():
    assert number_readings("1 000,5") == {"1000.5"}
    assert "1000.5" in number_readings("1,000.5")
    assert missing_numbers("Il a livré 1 000,5 tonnes et 2,5 millions d'euros.",
                           "He delivered 1,000.5 tonnes and 2.5 million euros.") == []
    assert missing_numbers("Il a livré 1 000,5 tonnes.", "He delivered 1,000 tonnes.") == ["1000,5"]
    assert missing_numbers("Il a deux enfants, nés en 2 ans.", "He has two children, born two years apart.") == []


def test_acronym_kept_with_reordered_letters_is_accepted():
    flags = check_draft("Le Modèle standard (MS) est vérifié.", "The Standard Model (SM) is checked.")
    assert not [f for f in flags if f.startswith("entity")]
    assert "entity-missing:OTAN" in check_draft("L'OTAN a réagi.", "The alliance reacted.")


def test_untranslated_french_is_flagged():
    source = "Nous réaffirmons notre détermination inébranlable à soutenir l'Ukraine."
    assert "untranslated" in check_draft(source, source)
    half = "We reaffirm notre détermination inébranlable à soutenir les efforts de la population."
    assert "untranslated" in check_draft(source, half)
    assert "untranslated" not in check_draft(source, "We reaffirm our unwavering commitment to support Ukraine.")


def test_french_word_left_in_a_draft_is_flagged():
    # Drafts of --quality best on NTREX-128 (eval/results/translate.md, run 21)
    source = "Californie : un garçon de 13 ans blessé par un requin lors d'une partie de pêche au homard."
    draft = "California: A 13-year-old boy injured by a requin during a lobster fishing trip."
    assert "untranslated-word:requin" in check_draft(source, draft)
    assert not [f for f in check_draft(source, draft.replace("requin", "shark")) if f.startswith("untranslated")]
    welsh = "Pour les lecteurs hors du pays de Galles : en gallois, twp signifie stupide et pwp signifie crotte."
    flags = check_draft(welsh, "For readers outside Wales: in Gallois, twp means stupid, and pwp means crotte.")
    assert {"untranslated-word:Gallois", "untranslated-word:crotte"} <= set(flags)
    # a saved page's draft: the copy starts the sentence after an English article, and lost its plural
    caisse = "des caisses lancées par Info’Com-CGT"
    assert "untranslated-word:caisse" in check_draft(caisse, "A caisse launched by InfoCom-CGT.")
    # a copy with a letter changed (the default's NTREX drafts), not an American spelling
    shark = "le chef secouriste a informé qu’un requin avait été aperçu"
    assert "untranslated-word:requen" in check_draft(shark, "the chief informed that a requen had been spotted")
    assert "untranslated-word:paroissians" in check_draft("Certains paroissiens se sont plaints.", "Some paroissians complained.")
    # a capitalised copy with a French ending or accent is no English name
    parliament = "l’assemblée deviendrait le Parlement gallois, selon le chef secouriste Larry Giles"
    flags = check_draft(parliament, "the assembly would become the Gallois Parliament, says Chief Secouriste Larry Giles")
    assert {"untranslated-word:Gallois", "untranslated-word:Secouriste"} <= set(flags)
    assert untranslated_words("", "") == [] and untranslated_words("\x00\x01requin", "\x00 a requin") == ["requin"]
    talks = "les négociations de dénucléarisation sont au point mort"
    assert not untranslated_words(talks, "denuclearization negotiations have stalled")


def test_french_words_english_keeps_are_not_untranslated():
    kept = [
        # a name the source writes in lower case, capitalised among other capitals
        ("Le chef des taliban pakistanais tué par un drone", "Drone Kills Pakistani Taliban Leader"),
        ("un repas chaud au centre gogo.", "a warm meal in the Gogo Centre."),
        ("lauréats du Grand prix du dernier Festival", "winners of the Grand Prix at the last Festival"),
        # a title in quotes
        ('auteur du livre "Histoires de comédies musicales"', "author of the book 'Histoires de comédies musicales'"),
        # English words: loans, British spelling, compounds
        ("un film de science-fiction et un croissant", "a science-fiction film and a croissant"),
        ("la réorganisation du service", "the reorganisation of the department"),
        # the lower-case words of a French name the draft keeps
        ("Il travaille à la Caisse des dépôts.", "He works at the Caisse des dépôts."),
        ("la présidence du Haut Conseil de la recherche et de l’enseignement supérieur",
         "the presidency of the Haut Conseil de recherche et de l'enseignement supérieur"),
    ]
    for source, draft in kept:
        assert not [f for f in check_draft(source, draft) if f.startswith("untranslated")], draft


def test_looping_output_is_flagged():
    draft = "The ministers said that the ministers said that the ministers said that the ministers said"
    assert "looping" in check_draft("Les ministres ont déclaré leur préoccupation.", draft)
    assert "looping" in check_draft("Il pleut.", "It rains rains rains rains.")


def test_empty_truncated_and_length_ratio():
    source = "Nous travaillons avec nos partenaires internationaux à une réponse coordonnée."
    assert check_draft(source, "  ") == ("empty",)
    assert "truncated" in check_draft(source, "We are working with our international partners on a")
    assert "omission:0.10" in check_draft(source, "We work.")
    assert check_draft("", "anything") == ()


def test_dropped_person_name_is_flagged():
    source = "Le diplomate nord-coréen Ri Yong Ho a parlé samedi."
    assert "entity-missing:Ri Yong Ho" in check_draft(source, "The North Korean diplomat Ri Ho spoke on Saturday.")
    assert check_draft(source, "North Korean diplomat Ri Yong Ho spoke on Saturday.") == ()


def test_severity_orders_candidates():
    assert severity(()) == 0
    assert severity(("empty",)) > severity(("number-changed:3",)) > 0
    assert severity(("untranslated",)) > severity(("untranslated-word:requin",)) > 0


REFERENCES = Path("/work/shared/data/translate/wmt/newstest2013")


@pytest.mark.skipif(not REFERENCES.with_suffix(".fra").exists(), reason="WMT data not available")
def test_human_translations_are_rarely_flagged():
    french = REFERENCES.with_suffix(".fra").read_text(encoding="utf-8").splitlines()[:1000]
    english = REFERENCES.with_suffix(".eng").read_text(encoding="utf-8").splitlines()[:1000]
    flagged = sum(bool(check_draft(f, e)) for f, e in zip(french, english))
    # Without an embedder a renamed place (mer Morte / Dead Sea) reads as one name lost and one
    # invented: 11.5 % here, 2-3 % with USE (tests/test_fidelity.py, eval/results/fidelity.md).
    assert flagged < 0.13 * len(french)
    shuffled = sum(bool(check_draft(f, e)) for f, e in zip(french, english[1:] + english[:1]))
    assert shuffled > 6 * flagged  # misaligned "drafts" must trip the checks far more often


def test_dropped_or_invented_country_is_flagged():
    source = "Nous, ministres de l'Allemagne, du Canada et de la République de Corée, condamnons cela."
    dropped = "We, ministers of Canada and the Republic of Korea, condemn this."
    assert "entity-missing:Germany" in check_draft(source, dropped)
    invented = "We, ministers of Germany, Canada, the Republic of Korea and the United States, condemn this."
    assert "entity-added:United States" in check_draft(source, invented)
    assert check_draft(source, "We, ministers of Germany, Canada and the Republic of Korea, condemn this.") == ()


def test_full_name_of_north_korea_is_not_south_korea():
    source = "Des troupes de la République populaire démocratique de Corée (RPDC) sont en Russie."
    draft = "Troops of the Democratic People's Republic of Korea (DPRK) are in Russia."
    assert check_draft(source, draft) == ()
    assert "entity-added:China" in check_draft(source, "Troops of the People's Republic of China (PRC) are in Russia.")
