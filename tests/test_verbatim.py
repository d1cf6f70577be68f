"""Addresses, hashtags and handles come out of drafting as the source has them."""

from __future__ import annotations

import pytest

from align.translate import translate_sentences
from align.translate.verbatim import restore_verbatim


@pytest.mark.parametrize(
    ("source", "draft", "restored"),
    [
        # what Qwen made of a saved page's lines (infocomcgt.fr, --quality best)
        ("caisse-solidarite.fr ", "solidarity-cash.fr", "caisse-solidarite.fr"),
        ("solidarite-financiere@infocomcgt.fr ", "solidarity-financial@infocomcgt.fr",
         "solidarite-financiere@infocomcgt.fr"),
        ("Site internet de la #CaisseDeGreve : ", "Website of the #GreveCaisse :", "Website of the #CaisseDeGreve :"),
        ("Écrivez à contact@exemple.fr ou voyez https://exemple.fr/aide.",
         "Write to contact@example.com or see https://example.com/help.",
         "Write to contact@exemple.fr or see https://exemple.fr/aide."),
        ("Suivez @MinArmees et #Défense sur www.defense.gouv.fr.", "Follow @ArmedForces and #Defence on www.defence.gouv.fr.",
         "Follow @MinArmees and #Défense on www.defense.gouv.fr."),
        # kept as they are: a draft that already has them, one with none to replace, plain words
        ("Article Libération.fr", "Article Libération.fr", "Article Libération.fr"),
        ("Voir caisse-solidarite.fr pour donner.", "To give, see the website.", "To give, see the website."),
        ("Le rapport.de plus, il pleut.", "The report, moreover, it rains.", "The report, moreover, it rains."),
        ("M. Dupont a 3 ans.", "Mr. Dupont is 3.", "Mr. Dupont is 3."),
    ],
)
def test_placeables_are_put_back_as_the_source_has_them(source, draft, restored):
    assert restore_verbatim(source, draft) == restored


class AddressTranslator:
    """Fake model that translates the words of an address too."""

    name = "address-v1"

    def translate(self, sentences):
        return ["Write to solidarity-financial@infocomcgt.fr." for _ in sentences]


def test_drafts_keep_the_source_addresses():
    drafts = translate_sentences(["Écrivez à solidarite-financiere@infocomcgt.fr."], AddressTranslator())
    assert drafts[0].text == "Write to solidarite-financiere@infocomcgt.fr."
