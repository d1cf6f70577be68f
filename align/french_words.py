"""Whether a capitalised word that starts a French sentence is a word or a name.

French capitalises a sentence's first word, so "Pattloch nous explique" and "Pourtant, il
explique" look alike, and the entity check used to leave both out (a name said first in its
sentence and dropped by the translation went unflagged). A word the French dictionary lacks is
a name. simplemma's French dictionary of inflected forms (a zero-dependency package; its French
table loads on first use, about 1 s and 20 MB) holds the open classes; the closed classes it
lacks — adverbs, prepositions, conjunctions, interjections, numerals, elided forms — are listed
here. A name that is also a word (Pierre, Paris) stays a word, as before.
"""

from __future__ import annotations

from functools import lru_cache

# Words a French sentence may start with that simplemma's dictionary lacks.
_CLOSED_CLASS_WORDS = frozenset(
    """
    au aux du auquel auxquels auxquelles duquel desquels desquelles dont où quant quiconque soi
    ah oh eh ha hé hein bah ben allô allo hélas bravo ouf hum hmm aïe zut bof ouais oups ohé holà hop pouah euh beurk chut motus
    waouh whaou whoua wouah ouah mdr fastoche
    oui non pas certes peut-être pourtant néanmoins toutefois cependant voire sinon surtout donc
    souvent toujours jamais parfois auparavant ailleurs autrefois dorénavant désormais jadis
    naguère entre-temps longtemps aussitôt bientôt déjà tard tôt vite encore enfin ensuite puis
    tant trop très peu beaucoup plusieurs assez davantage plutôt tellement autant presque mieux quasi
    quelquefois volontiers debout nonobstant
    combien comment pourquoi quand
    dessus dessous dedans dehors devant derrière près loin partout là là-bas ici au-delà
    au-dessus au-dessous ci ci-dessous ci-dessus ci-joint hormis via malgré selon parmi durant
    qu lorsqu jusqu puisqu quoiqu quelqu presqu aujourd entr
    zéro un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze
    seize vingt trente quarante cinquante soixante cent mille
    """.split()
)
_ADVERB_ENDING = "ment"  # actuellement, récemment, conformément


# Accents French typography may leave off a capital ("Etant donné", "Etats-Unis", "A l'époque").
_ACCENTS_DROPPED_ON_CAPITALS = {"E": ("é", "è", "ê"), "A": ("à", "â"), "I": ("î",), "O": ("ô",)}


def is_french_word(word: str) -> bool:
    """``word`` is a French word (any case), not a name: in the dictionary or the closed
    classes, an adverb in -ment, or a hyphenated word whose first part is one ("Estimez-vous",
    "Peut-être"); "Pattloch", "Freudenberg", "Leliwy-Krywoblocki" are not."""
    lower = word.lower().replace("’", "'")
    first = lower.split("-", 1)[0]
    return (
        lower in _CLOSED_CLASS_WORDS
        or first in _CLOSED_CLASS_WORDS
        or (len(lower) > len(_ADVERB_ENDING) + 2 and lower.endswith(_ADVERB_ENDING))
        or in_dictionary(lower, "fr")
        or (first != lower and in_dictionary(first, "fr"))
        or any(in_dictionary(accented + lower[1:], "fr") for accented in _ACCENTS_DROPPED_ON_CAPITALS.get(word[:1], ()))
    )


@lru_cache(maxsize=65536)
def in_dictionary(lower: str, lang: str) -> bool:
    """``lower`` is in simplemma's dictionary of ``lang`` ("fr", "en")."""
    from simplemma import is_known  # imported on first use: a language's table takes a second to load

    return is_known(lower, lang=lang)
