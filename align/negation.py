"""Negations of a French sentence counted as English renders them, and those of its English.

A translation that loses a "not" says the opposite of its source. French and English negate
differently ("ne … que" is "only", "sans doute" "certainly", "n'a pas oublié" "remembers",
"uncomfortable" renders "inconfortable"), so :func:`french_negations` counts only what English
would say with a negation, and :func:`negation_lost` compares the counts (used by
:mod:`align.fidelity`).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from align.countries import fold

# "ne … que" is "only", not a negation; "n'importe" is "any".
_FRENCH_NEGATION_RE = re.compile(
    r"\b(?:ne\b|n['’](?!importe))|\bsans\b|\bnon\b(?!\s+(?:plus|loin)\b)|\bnon-", re.IGNORECASE
)
# Negative words that negate without "ne" ("pas de", "ni … ni", "jamais plus"), and words that
# negate by their meaning, which English tends to render with "not" or "cannot".
_FRENCH_BARE_NEGATION_RE = re.compile(
    r"\b(?:ni|rien|jamais|aucun|aucune|nullement|pas|impossibles?|interdite?s?|incapables?)\b", re.IGNORECASE
)
_NE_QUE_RE = re.compile(
    r"\bn(?:e\s+|['’])(?:(?!\b(?:pas|plus(?!\s+que?\b)|jamais|rien|personne|aucun|aucune|guère|point|nul|nulle|nullement|"
    r"aucunement|ni)\b)[^.;,!?])*?\bque?\b",
    re.IGNORECASE,
)
# Negative words in phrases that do not negate: "sans (aucun) doute" (certainly), "sans cesse"
# (constantly), "sans compter" (not to mention), "sans ambages" (frankly), "sans problème"
# (smoothly), "plus que jamais" (than ever), "à jamais" (forever), "si jamais" (if ever),
# "pas mal" (quite a lot), "rien que" (just), "ne (pas) cesser de" and "ne (pas) arrêter de" (keep
# on), "sans détour" (bluntly), "sans arrêt" (constantly), "sans oublier" (as well as), "n'en
# déplaise à" (with all due respect to), "sans suite" (dropped); "Non," answering a question,
# which English often leaves out; and the "ne" that "avant que", "à moins que", "de peur que" or a
# comparison put before a verb with no "pas" ("avant qu'elle ne soit occupée", "plus que je ne
# le pensais").
_FRENCH_NOT_NEGATING_RE = re.compile(
    r"\bsans\s+(?:(?:aucun\s+)?doute|cesse|compter|ambages|probl[èe]mes?|d[ée]tours?|arr[êe]t|oublier|suite)\b|\bn['’]en\s+d[ée]plaise\b|"
    r"\b(?:plus|moins|mieux|pire|autre|autrement|davantage)\b[^,;:.!?]*?\bqu(?:e\s+|['’])\S+\s+ne\b(?!(?:\s+\S+){0,2}?\s+(?:pas|plus|jamais|rien|personne|aucune?|guère|point)\b)|\b(?:que|qu['’]|à|si)\s*jamais\b|"
    r"\bpas\s+mal\b|\brien\s+que\b|^\W*non\s*[,.!]|"
    r"\b(?:avant|moins|peur|crainte)\s+qu(?:e\s+|['’])[^,;:.!?]*?\bne\b(?!(?:\s+\S+){0,2}?\s+(?:pas|plus|jamais|rien|personne|aucune?|guère|point)\b)|"
    r"\bn(?:e\s+|['’])(?:\w+\s+){0,2}?(?:pas\s+)?(?:cess|arr[êe]t)\w*\s+d|\bn(?:e\s+|['’])(?:cess|arr[êe]t)\w*\s+pas\s+d",
    re.IGNORECASE,
)
# A negative question is often a positive one in English ("n'est-elle pas surestimée ?" → "is
# it overestimated?"): its "ne … pas" is not required.
_NEGATIVE_QUESTION_RE = re.compile(
    r"\bn(?:e\s+|['’])(?:\w+\s+)?\w+-(?:t-)?(?:il|elle|ils|elles|on|ce|je|tu|nous|vous)\s+(?:pas|jamais|plus)\b|"
    r"\best-ce\s+qu(?:e\s+|['’])[^?]*?\bn(?:e\s+|['’])\w+\s+pas\b",
    re.IGNORECASE,
)
# The second of two coordinated negations ("sans nourriture et sans papier", "ne vous donnent pas
# … et ne vous paient pas") is one negation in English ("without food and papers", "doesn't give
# … or pay").
_COORDINATED_RE = re.compile(r"(?:\bet|\bou|\bni|,)\s*(?:(?:me|te|se|nous|vous|le|la|les|lui|leur|y|en)\s+|[lmts]['’])*$", re.IGNORECASE)
# "pas" after a determiner is the noun "step" ("un pas en avant").
_PAS_NOUN_RE = re.compile(r"\b(?:un|le|les|ce|ces|du|des|au|aux|mon|ton|son|ses|nos|vos|leurs?|premiers?|petits?|grands?|faux)\s+pas$", re.IGNORECASE)
_CLAUSE_END_RE = re.compile(r"[.;:!?,()—–]|\s-\s")  # not quotes: « jamais » is still in its clause
# A "ne" without a negative word of its own governs one past commas, before or after it: "il n'y
# a, au contraire, aucun problème", "à aucun moment, il ne lui a été permis" are one negation.
_NE_ALONE = r"\bn(?:e\s+|['’])(?:(?!\b(?:pas|plus|jamais|rien|personne|aucune?|guère|point|nul|nulle|que?)\b)[^.;:!?])*"
_OPEN_NE_RE = re.compile(_NE_ALONE + "$", re.IGNORECASE)
_NE_ALONE_AFTER_RE = re.compile(r"[^.;:!?]*?" + _NE_ALONE + r"(?:[.;:!?]|$)", re.IGNORECASE)


def french_negations(source: str) -> int:
    """How many negations a French sentence holds: each "ne" or "sans" (less "ne … que" and
    a second coordinated one), and each negative word no "ne" or "sans" in its clause governs
    ("pas de", "jamais plus"); "ni" only where nothing else negates ("ni lui ni moi")."""
    text = _FRENCH_NOT_NEGATING_RE.sub(" ", source)
    if "?" in text:
        text = _NEGATIVE_QUESTION_RE.sub(" ", text)
    count, previous = 0, None
    for m in _FRENCH_NEGATION_RE.finditer(text):
        kind = "sans" if m.group(0).lower() == "sans" else "ne"
        coordinated = previous and previous[0] == kind and m.start() - previous[1] < 80
        count += not (coordinated and _COORDINATED_RE.search(text[: m.start()]))
        previous = (kind, m.end())
    count -= len(_NE_QUE_RE.findall(text))
    for m in _FRENCH_BARE_NEGATION_RE.finditer(text):
        if m.group(0).lower() == "ni" or _PAS_NOUN_RE.search(text[: m.end()]):
            continue
        before, after = _CLAUSE_END_RE.split(text[: m.start()])[-1], _CLAUSE_END_RE.split(text[m.end() :])[0]
        if not _FRENCH_NEGATION_RE.search(before + after) and not _FRENCH_BARE_NEGATION_RE.search(before):
            pairs_with_ne = m.group(0).lower() in ("rien", "jamais", "aucun", "aucune", "pas", "nullement")
            count += not (pairs_with_ne and (_OPEN_NE_RE.search(text[: m.start()]) or _NE_ALONE_AFTER_RE.match(text, m.end())))
    if not count and re.search(r"\bni\b", text, re.IGNORECASE):
        count = 1
    return max(count, 0)


_ENGLISH_NEGATION_RE = re.compile(
    r"\b(?:not|no|never|nothing|nobody|none|neither|nor|without|cannot|nowhere|hardly|barely|non|"
    r"unable|lack|lacks|lacked|lacking|absence|fail|fails|failed|refuse|refused|refuses|avoid|avoids|avoided|"
    r"until|instead|exempt|free|unless|prohibits?|prohibited|prohibiting|forbids?|forbidden|forbade|bans?|banned|"
    r"disregards?|disregarded|disregarding|lest|neglect|neglects|neglected|neglecting)\b|n['’]t\b|\bnon-|"
    r"\bun(?:able|clear|known|likely|aware|certain|sure|necessary|fair|usual|acceptable|lawful|employed|paid|"
    r"related|relieved|conscious|limited|successful|successfully|affected|changed|solved|resolved|touched)\b|"
    # any other adjective or participle in un- ("uncomfortable", "unprecedented"), less under-, uni-
    r"\bun(?!der|i[a-z])[a-z]{3,}(?:able|ably|ible|ful|fully|ed|ing|ous|ive|y)\b|\bun(?!der|i[a-z])[a-z]{2,}(?:en|wn)\b|"
    r"\b(?!nevertheless|nonetheless|regardless|unless)[a-z]{3,}less(?:ly|ness)?\b|\b(?:in|im|ir|il|dis)(?:correct|complete|"
    r"conclusive|effective|possible|possibly|responsible|legal|legally|regular|agree|appear)(?:s|d|ed|ing|ment|ly)?\b",
    re.IGNORECASE,
)


# English negative words that also translate French words that do not negate ("avoid" renders
# "éviter" as well as "pour ne pas", "free" "gratuit", "no doubt" the "sans doute" French does not
# count): where the French has such a word, the English one renders it, not a negation.
_RENDERS_A_FRENCH_WORD = tuple(
    (re.compile(english, re.IGNORECASE), re.compile(french, re.IGNORECASE))
    for english, french in (
        (r"avoid", r"\bévit"),
        (r"fail", r"\b(?:échou|échec)"),
        (r"refus", r"\brefus"),
        (r"lack|absence", r"\b(?:manqu|faute\s+d|carence|défaut|absen|pénurie|inexist)"),
        (r"until", r"\bjusqu"),
        (r"instead", r"\b(?:au\s+lieu|à\s+la\s+place|plutôt)"),
        (r"free", r"\b(?:libre|gratui|libér)"),
        (r"exempt", r"\b(?:exempt|exonér|dispens)"),
        (r"unless", r"\b(?:à\s+moins|sauf\s+si)"),
        (r"disappear", r"\bdispar"),
        (r"disagree", r"\bdésaccord"),
        (r"hardly|barely", r"\bà\s+peine"),
    )
)
# Litotes: a French negated word that English renders by its opposite ("n'a pas oublié" /
# "remembers", "il n'est pas facile" / "it is difficult"): the opposite counts as a negation;
# so does "both … and" for "non seulement … mais".
_LITOTES = tuple(
    (re.compile(rf"\bn(?:e\s+|['’])[^.;:!?]{{0,40}}?\b(?:pas|plus|jamais)\b[^.;:!?]{{0,25}}?\b(?:{french})", re.IGNORECASE),
     re.compile(rf"\b(?:{english})", re.IGNORECASE))
    for french, english in (
        (r"oubli", r"remember|recall"),
        (r"facile|aisé", r"difficult|hard\b|tough"),
        (r"déplai", r"like|enjoy|pleas"),
        (r"changé", r"the same\b"),
    )
) + ((re.compile(r"\bnon\s+seulement\b", re.IGNORECASE), re.compile(r"\bboth\b|\bas well as\b", re.IGNORECASE)),)
_SANS_DOUTE_RE = re.compile(r"\bsans\s+(?:aucun\s+)?doute", re.IGNORECASE)
_NO_DOUBT_RE = re.compile(r"\b(?:no|without(?:\s+(?:a|any))?)\s+doubt|\bundoubtedly|\bdoubtless", re.IGNORECASE)
# A French word with a negative prefix ("inconfortable", "illégal") is rendered by the English
# one ("uncomfortable", "illegal"), which is no negation of the French.
_NEGATIVE_PREFIX_RE = re.compile(r"^(?:un|in|im|ir|il|dis)")
_FRENCH_NEGATIVE_PREFIX_RE = re.compile(r"^(?:in|im|ir|il|dés|dé|dis|mal)")


def _english_negations(source: str, target: str) -> int:
    """English negations less those that render a French word that is no negation."""
    if _SANS_DOUTE_RE.search(source):
        target = _NO_DOUBT_RE.sub(" ", target)
    available = [len(french.findall(source)) for _, french in _RENDERS_A_FRENCH_WORD]
    prefixed = [w for w in re.findall(r"[^\W\d_]+", source.lower()) if _FRENCH_NEGATIVE_PREFIX_RE.match(w)
                and not _FRENCH_BARE_NEGATION_RE.fullmatch(w)]
    count = 0
    for m in _ENGLISH_NEGATION_RE.finditer(target):
        word = m.group(0).lower()
        rule = next((i for i, (english, _) in enumerate(_RENDERS_A_FRENCH_WORD) if available[i] and english.match(word)), None)
        if rule is not None:
            available[rule] -= 1
            continue
        if _NEGATIVE_PREFIX_RE.match(word) and _renders_prefixed(word, prefixed):
            continue
        count += 1
    return count + sum(1 for french, english in _LITOTES if french.search(source) and english.search(target))


def _renders_prefixed(english: str, french_words: list[str]) -> bool:
    """``english`` ("uncomfortable") and one of ``french_words`` ("inconfortable") are one word
    with a negative prefix each."""
    stem = _NEGATIVE_PREFIX_RE.sub("", english)
    return len(stem) >= 4 and any(
        fuzz.ratio(stem[:8], _FRENCH_NEGATIVE_PREFIX_RE.sub("", fold(f))[:8]) >= 75 for f in french_words
    )


def negation_counts(source: str, target: str) -> tuple[int, int]:
    """How many negations the French source and the English target hold."""
    return french_negations(source), _english_negations(source, target)


def negation_lost(source: str, target: str) -> bool:
    """The source negates something and the target holds fewer negations than it."""
    french, english = negation_counts(source, target)
    return french > english
