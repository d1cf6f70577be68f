import pytest

from align.fidelity import check_translation, describe
from align.relations import french_owner_places, reversed_relations

SEED = "Le déploiement de troupes de la RPDC en Russie menace la sécurité de la République de Corée."


def test_the_seeds_reversed_deployment_is_flagged_and_said_in_words():
    draft = "The deployment of Russian troops to the DPRK threatens the security of the Republic of Korea."
    assert french_owner_places(SEED) == [("North Korea", "Russia")]
    assert "relation-reversed:North Korea in Russia" in check_translation(SEED, draft)
    assert describe("draft:relation-reversed:North Korea in Russia") == (
        "The draft puts in or to North Korea what the source has of North Korea in Russia: the relation is reversed.")


@pytest.mark.parametrize("source, target, expected", [
    (SEED, "The deployment of DPRK troops in Russia threatens South Korea's security.", []),
    (SEED, "North Korean troops deployed to Russia threaten the security of the Republic of Korea.", []),
    ("l'ambassadeur d'Allemagne en Russie", "the German ambassador to Russia", []),
    ("l'ambassadeur d'Allemagne en Russie", "Germany's envoy in Moscow", []),
    ("l'ambassadeur d'Allemagne en Russie", "the Russian ambassador to Germany", [("Germany", "Russia")]),
    ("des soldats de la Corée du Nord au Japon", "soldiers from Japan in North Korea", [("North Korea", "Japan")]),
    # the place first, as the seed's second sentence has it
    ("suite au déploiement en Russie de troupes de la République populaire démocratique de Corée (RPDC), qui",
     "following the deployment of Russian troops to the Democratic People's Republic of Korea (DPRK), which",
     [("North Korea", "Russia")]),
    ("suite au déploiement en Russie de troupes de la RPDC", "after DPRK troops were deployed in Russia", []),
    ("des soldats de l’Ukraine en Russie", "Russian soldiers in Ukraine", [("Ukraine", "Russia")]),  # curly apostrophe
    # no "de A en B" in the source: nothing to reverse
    ("La Russie et l'Allemagne ont signé.", "Germany and Russia signed, in Germany.", []),
])
def test_a_relation_is_reversed_only_where_the_translation_places_the_owner(source, target, expected):
    assert reversed_relations(source, target) == expected
