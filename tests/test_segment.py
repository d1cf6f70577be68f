"""Sentence segmentation: hard French and English cases, line structure, offsets, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.errors import DataError
from align.segment import segment

from conftest import SEED_EN, SEED_FR


def sentences(text: str, lang: str = "fr") -> list[str]:
    return [seg.text for seg in segment(text, lang)]


FRENCH_CASES = [
    pytest.param(
        "M. Dupont et MM. Martin et Durand sont arrivés. Mme Leroy aussi. Mlle Roux est partie.",
        ["M. Dupont et MM. Martin et Durand sont arrivés.", "Mme Leroy aussi.",
         "Mlle Roux est partie."],
        id="titles",
    ),
    pytest.param(
        "Le Dr. Petit et le Pr. Blanc ont parlé. St. Pierre est loin. Il est là.",
        ["Le Dr. Petit et le Pr. Blanc ont parlé.", "St. Pierre est loin.", "Il est là."],
        id="dotted-titles",
    ),
    pytest.param(
        "Voir art. 12 et chap. 3, p. 45, pp. 12-15, vol. 2, n° 7. La suite est ailleurs.",
        ["Voir art. 12 et chap. 3, p. 45, pp. 12-15, vol. 2, n° 7.", "La suite est ailleurs."],
        id="references-before-numbers",
    ),
    pytest.param(
        "Selon l'art. 5 du traité et d'après l’al. 2, c'est permis. Il aime l'art. Elle aussi.",
        ["Selon l'art. 5 du traité et d'après l’al. 2, c'est permis.", "Il aime l'art.",
         "Elle aussi."],
        id="elided-abbreviation-before-a-number",
    ),
    pytest.param(
        "Dupont et al. ont montré cela. Il a pris des pommes, des poires, etc. mais pas de "
        "prunes. Il a aussi pris du pain, etc. Le reste attendra.",
        ["Dupont et al. ont montré cela.",
         "Il a pris des pommes, des poires, etc. mais pas de prunes.",
         "Il a aussi pris du pain, etc.", "Le reste attendra."],
        id="etc-mid-and-end",
    ),
    pytest.param(
        "On peut citer, p. ex. Paris, des villes. Cf. Le Monde du jour. En 52 av. J.-C. "
        "Vercingétorix se rend. Cela date de 52 av. J.-C. Les Romains gagnent.",
        ["On peut citer, p. ex. Paris, des villes.", "Cf. Le Monde du jour.",
         "En 52 av. J.-C. Vercingétorix se rend.", "Cela date de 52 av. J.-C.",
         "Les Romains gagnent."],
        id="p-ex-cf-av-jc",
    ),
    pytest.param(
        "Au XIXe s. la ville grandit. J.-P. Sartre et J. Chirac étaient là. Ch. Péguy aussi.",
        ["Au XIXe s. la ville grandit.", "J.-P. Sartre et J. Chirac étaient là.",
         "Ch. Péguy aussi."],
        id="century-and-initials",
    ),
    pytest.param(
        "J.-M. Le Pen a parlé. La vitamine C. Elle est utile.",
        ["J.-M. Le Pen a parlé.", "La vitamine C.", "Elle est utile."],
        id="initial-before-particle-or-pronoun",
    ),
    pytest.param(
        "« Viens ici ! » cria-t-il. « Je viens. » Puis il partit. Il dit : « C'est fini. » "
        "Elle rit.",
        ["« Viens ici ! » cria-t-il.", "« Je viens. »", "Puis il partit.",
         "Il dit : « C'est fini. »", "Elle rit."],
        id="guillemets-inside",
    ),
    pytest.param(
        "Il a dit « non ». Elle a dit “oui.” Ils sont partis.",
        ["Il a dit « non ».", "Elle a dit “oui.”", "Ils sont partis."],
        id="quotes-outside-and-curly",
    ),
    pytest.param(
        "Tu viens\u202f? Oui\u202f! Il faut partir\u00a0; c'est sûr\u00a0: demain.",
        ["Tu viens\u202f?", "Oui\u202f!", "Il faut partir\u00a0; c'est sûr\u00a0: demain."],
        id="narrow-no-break-spaces",
    ),
    pytest.param(
        "Il hésita… Puis il partit. Elle attendit... et revint. Quoi ?! Rien.",
        ["Il hésita…", "Puis il partit.", "Elle attendit... et revint.", "Quoi ?!", "Rien."],
        id="ellipses",
    ),
    pytest.param(
        "Il cite le texte (…) Pourtant il s'arrête.",
        ["Il cite le texte (…) Pourtant il s'arrête."],
        id="cut-mark",
    ),
    pytest.param(
        "— Bonjour, dit-il. — Bonjour, répondit-elle. — Ça va ?",
        ["— Bonjour, dit-il.", "— Bonjour, répondit-elle.", "— Ça va ?"],
        id="dialogue-dashes",
    ),
    pytest.param(
        "Le taux est de 3,5 %. Il atteint 12 000 euros. La somme est de 1 234,56 €. "
        "Les résolutions 1718, 1874 et 2270 sont violées. 4 personnes sont venues.",
        ["Le taux est de 3,5 %.", "Il atteint 12 000 euros.", "La somme est de 1 234,56 €.",
         "Les résolutions 1718, 1874 et 2270 sont violées.", "4 personnes sont venues."],
        id="numbers",
    ),
    pytest.param(
        "Écrivez à jean.dupont@example.fr. Le site www.example.com est ouvert. "
        "Voir https://example.org/a.b?c=d. Merci.",
        ["Écrivez à jean.dupont@example.fr.", "Le site www.example.com est ouvert.",
         "Voir https://example.org/a.b?c=d.", "Merci."],
        id="urls-and-emails",
    ),
    pytest.param(
        "Il est venu (enfin !) hier. (Ceci est une parenthèse.) La suite suit.",
        ["Il est venu (enfin !) hier.", "(Ceci est une parenthèse.)", "La suite suit."],
        id="parentheses",
    ),
    pytest.param(
        "Ce modèle affiche « LL.AA.II.RR. » pour « Leurs Altesses ». Les ouvrages de "
        "Intercept Ltd. sont ici.",
        ["Ce modèle affiche « LL.AA.II.RR. » pour « Leurs Altesses ».",
         "Les ouvrages de Intercept Ltd. sont ici."],
        id="pysbd-golden-abbreviations",
    ),
    # Cases met in the benchmark (UD French GSD dev and Sequoia EMEA dev).
    pytest.param(
        "Le prix (Gruau par ex.) Ainsi, tout est dit.",
        ["Le prix (Gruau par ex.)", "Ainsi, tout est dit."],
        id="abbreviation-closing-a-bracket",
    ),
    pytest.param(
        "Surnommé King Fish ou Mr. Angel, il joue.",
        ["Surnommé King Fish ou Mr. Angel, il joue."],
        id="english-title-in-french",
    ),
    pytest.param(
        "Le poème semblait exister ; Le poème en prose est né. Il a dit ; les autres non.",
        ["Le poème semblait exister ;", "Le poème en prose est né.",
         "Il a dit ; les autres non."],
        id="semicolon-before-capitalised-starter",
    ),
    pytest.param(
        "La dose recommandée est : - Un bolus de 0,75 mg. - si vous prenez autre chose.",
        ["La dose recommandée est :", "- Un bolus de 0,75 mg.",
         "- si vous prenez autre chose."],
        id="inline-dash-items",
    ),
    pytest.param(
        "Résumé EPAR à l'intention du public Ce document est un résumé.",
        ["Résumé EPAR à l'intention du public", "Ce document est un résumé."],
        id="run-in-heading",
    ),
    pytest.param(
        "PROPRIETES PHARMACOLOGIQUES Propriétés pharmacodynamiques Classe : inhibiteur.",
        ["PROPRIETES PHARMACOLOGIQUES",
         "Propriétés pharmacodynamiques Classe : inhibiteur."],
        id="heading-in-capitals",
    ),
    pytest.param(
        "MODE ET VOIE(S) D'ADMINISTRATION Voie intraveineuse. AVANT D'UTILISER ANGIOX "
        "N'utilisez jamais Angiox.",
        ["MODE ET VOIE(S) D'ADMINISTRATION", "Voie intraveineuse.",
         "AVANT D'UTILISER ANGIOX", "N'utilisez jamais Angiox."],
        id="heading-in-capitals-plural-form-and-elided-next-word",
    ),
    pytest.param(
        "Respectez la voie d'administration. Mode d'administration Voie intraveineuse lente. "
        "On approvisionne Paris en eau. Il cite parmi lesquelles La cerámica de Azaila.",
        ["Respectez la voie d'administration.", "Mode d'administration",
         "Voie intraveineuse lente.", "On approvisionne Paris en eau.",
         "Il cite parmi lesquelles La cerámica de Azaila."],
        id="run-in-common-noun-the-text-writes-in-lower-case",
    ),
    pytest.param(
        "Il lit Le Monde chaque jour. Kim Jong Il a composé six opéras.",
        ["Il lit Le Monde chaque jour.", "Kim Jong Il a composé six opéras."],
        id="capitalised-article-and-name-inside",
    ),
    pytest.param(
        "Ils ont ajouté du sodium. à quoi ressemble le produit ? il est blanc. on le "
        "voit. Le 5 janv. dernier, etc. et env. deux fois.",
        ["Ils ont ajouté du sodium.", "à quoi ressemble le produit ? il est blanc.",
         "on le voit.", "Le 5 janv. dernier, etc. et env. deux fois."],
        id="lower-case-start-after-full-stop",
    ),
    pytest.param(
        "Le témoin reçoit un inhibiteur (GP IIb/IIIa). héparine seule dans l'autre bras.",
        ["Le témoin reçoit un inhibiteur (GP IIb/IIIa).",
         "héparine seule dans l'autre bras."],
        id="lower-case-start-after-bracket-and-full-stop",
    ),
    pytest.param(
        '" Le chef, tu es une bête ! " Les serveurs sont accueillants.',
        ['" Le chef, tu es une bête ! "', "Les serveurs sont accueillants."],
        id="spaced-straight-quote-closes",
    ),
    # Cases met in the Sequoia documents laid out as lines (fulldocs-lines).
    pytest.param(
        "Il a présidé la société de pêche durant une dizaine d'années. à l'âge de 12 ans, il "
        "était entré à l'usine. Elle reste fière d'être arrière-grand-mère. à la maison de "
        "retraite, elle lit. Une atteinte rénale (c-à-d. augmentation de la créatinine) existe.",
        ["Il a présidé la société de pêche durant une dizaine d'années.",
         "à l'âge de 12 ans, il était entré à l'usine.",
         "Elle reste fière d'être arrière-grand-mère.", "à la maison de retraite, elle lit.",
         "Une atteinte rénale (c-à-d. augmentation de la créatinine) existe."],
        id="lower-case-start-after-elided-or-hyphenated-word",
    ),
    pytest.param(
        "Les élèves de la classe de CE1 de l'école Notre-Dame ont chanté. Le maire les a "
        "félicités sous la présidence d'Edmond Maire, à la mairie. Découvrez les secrets de "
        "l'Antiquité Ils sont gardés par la vieille ville.",
        ["Les élèves de la classe de CE1 de l'école Notre-Dame ont chanté.",
         "Le maire les a félicités sous la présidence d'Edmond Maire, à la mairie.",
         "Découvrez les secrets de l'Antiquité", "Ils sont gardés par la vieille ville."],
        id="no-run-in-before-a-code-or-a-surname-after-an-elided-name",
    ),
    pytest.param(
        "Le voleur a pris le porte-monnaie, soit 30 F. De retour au village, il a été arrêté. "
        "Il faut rester sous le seuil de 2° C. De nombreux experts en doutent. Le flacon se "
        "conserve à 25 °C. à conserver au réfrigérateur après ouverture. Le sommeil "
        "s'améliore de 53 %. Boeing conteste ces chiffres.",
        ["Le voleur a pris le porte-monnaie, soit 30 F.",
         "De retour au village, il a été arrêté.", "Il faut rester sous le seuil de 2° C.",
         "De nombreux experts en doutent.", "Le flacon se conserve à 25 °C.",
         "à conserver au réfrigérateur après ouverture.",
         "Le sommeil s'améliore de 53 %.", "Boeing conteste ces chiffres."],
        id="unit-after-a-number-is-no-initial",
    ),
    pytest.param(
        "Étaient représentées : la Fédération nationale des déportés et internés ; la "
        "Confédération nationale des combattants volontaires ; enfin, l'Union nationale des "
        "orphelins. Le comité est inchangé : président : Luc Martin ; trésorière : Marie "
        "Durand ; secrétaire : Anne Petit. Angiox est un anticoagulant ; il empêche le sang "
        "de coaguler. La guerre éclata ; il est difficile de dire si le traité fut rompu ; "
        "ou si tout était prévu.",
        ["Étaient représentées :", "la Fédération nationale des déportés et internés ;",
         "la Confédération nationale des combattants volontaires ;",
         "enfin, l'Union nationale des orphelins.", "Le comité est inchangé :",
         "président : Luc Martin ;", "trésorière : Marie Durand ;",
         "secrétaire : Anne Petit.",
         "Angiox est un anticoagulant ; il empêche le sang de coaguler.",
         "La guerre éclata ; il est difficile de dire si le traité fut rompu ; ou si tout "
         "était prévu."],
        id="list-run-into-a-line-splits-at-its-semicolons-clauses-do-not",
    ),
    pytest.param(
        "Les effets sont résumés dans le tableau 4. Tableau 4 : Effets indésirables observés "
        "pendant l'étude. Remarque : Chypre est entré dans la zone euro. Le produit est soumis "
        "à prescription (voir Annexe I : Résumé des caractéristiques du produit). Un résumé "
        "est joint.",
        ["Les effets sont résumés dans le tableau 4.", "Tableau 4 :",
         "Effets indésirables observés pendant l'étude.",
         "Remarque : Chypre est entré dans la zone euro.",
         "Le produit est soumis à prescription (voir Annexe I : Résumé des caractéristiques "
         "du produit).", "Un résumé est joint."],
        id="capitalised-common-noun-after-a-colon-outside-brackets",
    ),
]

ENGLISH_CASES = [
    pytest.param(
        "Mr. Smith went to Washington. Dr. Jones stayed in the U.S. The weather was fine.",
        ["Mr. Smith went to Washington.", "Dr. Jones stayed in the U.S.",
         "The weather was fine."],
        id="titles-and-us",
    ),
    pytest.param(
        "He likes fruit, e.g. Apples and pears. That is, i.e. Nothing. J. R. R. Tolkien wrote.",
        ["He likes fruit, e.g. Apples and pears.", "That is, i.e. Nothing.",
         "J. R. R. Tolkien wrote."],
        id="eg-ie-initials",
    ),
    pytest.param(
        'The U.S. Army arrived. It was 5 p.m. when they left. "I\'m done." She left.',
        ["The U.S. Army arrived.", "It was 5 p.m. when they left.", '"I\'m done."',
         "She left."],
        id="acronyms-and-quotes",
    ),
    pytest.param(
        "Apple Inc. is big. It sells phones, laptops, etc. Many people buy them.",
        ["Apple Inc. is big.", "It sells phones, laptops, etc.", "Many people buy them."],
        id="inc-etc",
    ),
    pytest.param(
        "See p. 12 and No. 5 for details. Jan. 5 was cold. Why? Nobody knows!",
        ["See p. 12 and No. 5 for details.", "Jan. 5 was cold.", "Why?", "Nobody knows!"],
        id="numbers-and-months",
    ),
    pytest.param(
        "“More people are turning to credit,” she said. Where does it end? Or does it?",
        ["“More people are turning to credit,” she said.", "Where does it end?",
         "Or does it?"],
        id="curly-quotes",
    ),
]


@pytest.mark.parametrize("text, expected", FRENCH_CASES)
def test_french_hard_cases(text: str, expected: list[str]) -> None:
    assert sentences(text, "fr") == expected


@pytest.mark.parametrize("text, expected", ENGLISH_CASES)
def test_english_hard_cases(text: str, expected: list[str]) -> None:
    assert sentences(text, "en") == expected


def test_seed_document_is_title_share_button_and_ten_sentences() -> None:
    text = SEED_FR.read_text(encoding="utf-8")
    english = [line for line in SEED_EN.read_text(encoding="utf-8").splitlines() if line]
    segments = sentences(text)
    assert len(segments) == 12
    assert segments[0].startswith("Déclaration des ministres") and segments[0].endswith(
        "(5 novembre 2024)"
    )
    assert segments[1] == "Partager"
    assert len(sentences("\n\n".join(english), "en")) == 10
    assert segments[2].startswith("Nous, ministres") and segments[2].endswith("l’Ukraine.")
    assert any("résolutions 1718, 1874 et 2270 du Conseil" in s for s in segments)
    assert segments[-1].startswith("Nous travaillons avec nos partenaires")


def test_line_structure_headings_items_and_blank_lines() -> None:
    text = (
        "Titre du document\nPartager\nLe texte commence ici. Il continue\n\nsur un autre "
        "paragraphe.\n- premier point ;\n- second point.\n1. Un\n2. Deux\nChapitre 1\n"
        "Il était une fois.\n\nLes effets sont :\nnausées ;\nvomissements ;\nmaux de tête."
    )
    assert sentences(text) == [
        "Titre du document", "Partager", "Le texte commence ici.", "Il continue",
        "sur un autre paragraphe.", "- premier point ;", "- second point.", "1. Un",
        "2. Deux", "Chapitre 1", "Il était une fois.", "Les effets sont :", "nausées ;",
        "vomissements ;", "maux de tête.",
    ]


def test_every_line_break_ends_a_unit_where_lines_are_whole_paragraphs() -> None:
    """Lines longer than any hard wrap were typed one per paragraph, so a break followed by a
    lower-case word is a table cell or list line, not a wrapped sentence."""
    paragraph = (
        "Les effets indésirables observés chez les patients traités au cours des études "
        "cliniques menées en Europe et aux États-Unis sont présentés ci-dessous par organe."
    )
    cells = "Douleur dorsale, douleur à l'aine\ndouleur au site d'injection\nTroubles " \
        "cardiaques\nbradycardie"
    assert sentences(f"{paragraph}\n{cells}") == [
        paragraph, "Douleur dorsale, douleur à l'aine", "douleur au site d'injection",
        "Troubles cardiaques", "bradycardie",
    ]
    assert sentences(cells) == [  # short lines alone: a lower-case line may continue one
        "Douleur dorsale, douleur à l'aine\ndouleur au site d'injection",
        "Troubles cardiaques\nbradycardie",
    ]
    wrapped_mail = (  # a long link is no paragraph line: the sentence goes on after it
        "Voici le document dont je vous parlais hier au téléphone,\nhttps://example.org/"
        + "dossier/" * 16
        + "rapport.pdf\net qui résume la situation de la commune."
    )
    assert sentences(wrapped_mail) == [wrapped_mail]


def test_hard_wrapped_prose_is_rejoined() -> None:
    text = (
        "Le rapport, publié hier par le ministère, indique que la\n"
        "situation reste préoccupante dans plusieurs régions. Selon\n"
        "Pierre Martin, directeur du service, les mesures prises en\n"
        "mars n'ont pas suffi. Il appelle à agir."
    )
    assert [" ".join(s.split()) for s in sentences(text)] == [
        "Le rapport, publié hier par le ministère, indique que la situation reste "
        "préoccupante dans plusieurs régions.",
        "Selon Pierre Martin, directeur du service, les mesures prises en mars n'ont pas suffi.",
        "Il appelle à agir.",
    ]


def test_crlf_input_keeps_offsets() -> None:
    text = "Titre\r\n\r\nPremière phrase. Deuxième phrase.\r\nTroisième ligne\r\n"
    segments = segment(text)
    assert [s.text for s in segments] == [
        "Titre", "Première phrase.", "Deuxième phrase.", "Troisième ligne",
    ]
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_paragraph_separator_ends_a_segment() -> None:
    assert sentences("Un titre\u2029Une phrase") == ["Un titre", "Une phrase"]


@pytest.mark.parametrize("lang", ["de", "", "FR", "french"])
def test_unsupported_language_is_a_one_line_data_error(lang: str) -> None:
    with pytest.raises(DataError) as error:
        segment("Bonjour.", lang)
    assert "\n" not in str(error.value) and repr(lang) in str(error.value)


def test_blank_text_has_no_segments() -> None:
    assert segment(" \r\n\t\u00a0\n") == []


# Characters that exercise every rule: punctuation, quotes, brackets, dashes, digits, cases,
# and all the kinds of space and line break.
_ALPHABET = st.sampled_from(
    list("aàAÀeEzZ19.!?…;:,«»“”\"'’()[]-–—•%@/")
    + [" ", " ", "\n", "\r\n", "\t", "\u00a0", "\u202f", "\u2028", "\u2029", "\x1c", "\x85"]
    + ["M.", "etc.", "J.-P.", "Il", "Le", "à", "PROPRIETES ", "U.S.", "..."]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.sampled_from(["fr", "en"]))
def test_offsets_cover_the_text_exactly(text: str, lang: str) -> None:
    segments = segment(text, lang)
    assert [s.id for s in segments] == list(range(len(segments)))
    position = 0
    for seg in segments:
        assert seg.text == text[seg.start : seg.end]
        assert seg.text and seg.text == seg.text.strip()
        assert seg.start >= position
        assert text[position : seg.start].strip() == ""  # nothing but space left out
        position = seg.end
    assert text[position:].strip() == ""
