"""Acronyms and the names they stand for: a name's initials (in another word order too), an
acronym kept or spelt out on the other side, and a name's other form in brackets after it
("République populaire démocratique de Corée (RPDC)", "the Fed (Federal Reserve)").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from align.countries import fold
from align.name_mentions import (
    CONNECTORS,
    ELIDED_RE,
    ELISION_RE,
    WORD_RE,
    Mention,
    french_mentions,
    french_name_tail,
    is_acronym,
    mentions,
)
from align.name_tables import ACRONYM_GLOSSARY

# Words an acronym leaves out of the name it abbreviates ("Organisation du traité de l'Atlantique Nord").
FUNCTION_WORDS = CONNECTORS | frozenset("and et of l d".split())


@functools.lru_cache(maxsize=16)  # asked for each acronym of the other side
def name_initials(text: str) -> frozenset[str]:
    """Initials of every run of two or more capitalised words ("European Central Bank" → ECB),
    French names with their lower-case words ("Comité international olympique" → CIO)."""
    spaced = ELIDED_RE.sub(r"\1 ", text)
    runs = [m.words for m in mentions(text)]
    for m in french_mentions(text):
        tail = (ELISION_RE.sub("", w) for w in french_name_tail(spaced, m.start + len(m.text)))
        runs.append(m.words + tuple(w for w in tail if w.isalpha() and w not in FUNCTION_WORDS))
    found = set()
    for words in runs:
        letters = "".join(w[0] for w in words).upper()
        found |= {letters[i:j] for i in range(len(letters)) for j in range(i + 2, len(letters) + 1)}
    return frozenset(found)


@functools.lru_cache(maxsize=16)
def _initials_reordered(text: str) -> frozenset[str]:
    """:func:`name_initials` with each one's letters sorted: the languages order a name's words
    differently (Northern Kentucky University, NKU / Université du Nord du Kentucky)."""
    return frozenset("".join(sorted(i)) for i in name_initials(text))


def _acronym_letters(acronym: str) -> str:
    """An acronym's letters, without dots, plural s or accents: "U.S." US, "UNSCRs" UNSCR, ČSSD CSSD."""
    return fold(acronym.replace(".", "").removesuffix("s")).upper()


def acronym_kept(acronym: str, other: str, other_acronyms: frozenset[str]) -> bool:
    """``acronym`` survives in ``other`` as is, with its letters reordered (English puts the
    adjective first: "MS", modèle standard → "SM"), or spelt out there, in any word order."""
    letters = _acronym_letters(acronym)
    reordered = "".join(sorted(letters))
    return (
        letters in other_acronyms
        or reordered in {"".join(sorted(a)) for a in other_acronyms}
        or letters in name_initials(other)
        or len(letters) >= 3 and reordered in _initials_reordered(other)
    )


# Lower-case abbreviations written letter by letter: "p.-d.g." is the acronym PDG (CEO).
_DOTTED_ABBREVIATION_RE = re.compile(r"(?<!\w)(?:[a-z]\.-?){2,}")


@functools.lru_cache(maxsize=16)  # asked by both checks of a pair
def acronyms_in(text: str) -> frozenset[str]:
    """Acronyms of ``text``, an elided article taken off ("le test d'APS"), and its
    abbreviations written letter by letter ("p.-d.g.")."""
    words = (ELISION_RE.sub("", w) for w in WORD_RE.findall(text))
    dotted = {re.sub(r"[.-]", "", a).upper() for a in _DOTTED_ABBREVIATION_RE.findall(text)}
    return frozenset({_acronym_letters(w) for w in words if is_acronym(w)} | dotted)


_BRACKET_RE = re.compile(r"\s*[(\[]([^()\[\]]{1,80})[)\]]")


def _other_form(mention: Mention, text: str) -> re.Match[str] | None:
    """The brackets right after ``mention`` where they hold another form of the same name:
    "Monts des Géants (Krkonoše)", "the Fed (Federal Reserve)", "RM (Rakieta Meteorologiczna)";
    not a party after a person ("Jaroslav Palas (ČSSD)"): an acronym on one side only must
    abbreviate the other; nor a list."""
    bracket = _BRACKET_RE.match(text, mention.start + len(mention.text))
    if not bracket or re.search(r"[,;]|\b(?:and|et|or|ou)\b", bracket.group(1)):
        return None  # a list of places ("Afghanistan (Kapisa and Surobi)") is no other form
    inside = [w for w in WORD_RE.findall(bracket.group(1)) if fold(w) not in FUNCTION_WORDS]
    outside = list(mention.words)
    one_acronym = [side for side in (inside, outside) if len(side) == 1 and is_acronym(side[0])]
    if len(one_acronym) == 1:
        other = outside if one_acronym[0] is inside else inside
        letters = fold(one_acronym[0][0].replace(".", "")).upper()
        if not _abbreviates(letters, other) and not _initials_reordered_of(letters, other) and not (
            one_acronym[0] is inside and _abbreviates_the_words_before(letters, text, bracket.start())
        ):
            return None
    return bracket


def _abbreviates(letters: str, words: list[str]) -> bool:
    """``letters`` abbreviate the first words of ``words``, each giving its initial and maybe
    more of its letters in order: "ICBM", InterContinental Ballistic Missile."""
    if not letters:
        return True
    if not words or fold(words[0])[:1].upper() != letters[0]:
        return False
    word, taken, at = fold(words[0]).upper(), 1, 1
    ends = [1]
    while taken < len(letters) and (at := word.find(letters[taken], at) + 1):
        taken += 1
        ends.append(taken)
    return any(_abbreviates(letters[end:], words[1:]) for end in ends)


def _initials_reordered_of(letters: str, words: list[str]) -> bool:
    """``letters`` (three or more) are the initials of ``words`` in another order: an acronym
    kept from the other language, "DGSE (Directorate General for External Security)"."""
    return len(letters) >= 3 and len(words) == len(letters) and sorted(_initials_of(words)) == sorted(letters)


def spells_out(mention: Mention, acronyms: frozenset[str]) -> bool:
    """The initials of ``mention``'s words, less their function words, are one of ``acronyms``:
    "Force Ouvrière" for FO. Only initials: "North Sea" is no NSA."""
    words = [w for w in mention.words if fold(w) not in FUNCTION_WORDS]
    return len(words) >= 2 and _initials_of(words) in acronyms


def _initials_of(words: list[str]) -> str:
    return "".join(fold(w)[0] for w in words).upper()


def _abbreviates_the_words_before(letters: str, text: str, end: int) -> bool:
    """``letters`` (upper case) are the initials of the content words just before ``end``,
    lower-case ones too: a French name capitalises its first word only ("République populaire
    démocratique de Corée (RPDC)", of which "Corée" alone is the mention before the bracket).
    A preposition may give its letter or not: "entry-into-service (EIS)", "objectifs du
    millénaire pour le développement (OMD)"."""
    reach = 64 * len(letters)  # read back only as far as the words needed, not all the text
    while True:
        begin = max(end - reach, 0)
        before = ELIDED_RE.sub(r"\1 ", text[begin:end])
        # the parts of a hyphenated word count as words
        words = [p for w in WORD_RE.findall(before) for p in w.split("-") if p and fold(p) not in FUNCTION_WORDS]
        if begin == 0 or len(words) > 2 * len(letters):  # more: the first word, maybe cut, is not used
            break
        reach *= 4
    content = [w for w in words if fold(w) not in _PREPOSITIONS]
    return any(len(ws) >= len(letters) and _initials_of(ws[-len(letters) :]) == letters for ws in (words, content))


# Prepositions an acronym may leave out of the words it abbreviates.
_PREPOSITIONS = frozenset("pour par sur en dans avec contre entre sans sous vers for on in into to by with from at".split())


def bracketed_pairs(found: list[Mention], text: str) -> list[tuple[int, int]]:
    """(i, j) where mention j is inside the brackets right after mention i, as its other form."""
    pairs = []
    for i, first in enumerate(found):
        bracket = _other_form(first, text)
        if bracket:
            pairs += [(i, j) for j, m in enumerate(found) if bracket.start(1) <= m.start < bracket.end(1)]
    return pairs


def glossed_by_the_same_acronym(mention: Mention, text: str, other: str) -> bool:
    """``mention``, a name of three content words or more, stands before an acronym in brackets
    that ``other`` also puts in brackets: each text glosses its own name for the same acronym,
    "World Organisation for Animal Health (OIE)" / "Office international des épizooties (OIE)"."""
    bracket = _BRACKET_RE.match(text, mention.start + len(mention.text))
    if not bracket or not is_acronym(inside := bracket.group(1).strip()):
        return False
    content = [w for w in mention.words if fold(w) not in FUNCTION_WORDS]
    return len(content) >= 3 and re.search(rf"[(\[]\s*{re.escape(inside)}\s*[)\]]", other) is not None


def bracket_words(mention: Mention, text: str) -> list[str]:
    """The capitalised words of the other form in brackets right after ``mention`` (where a
    bracket's first word is no mention of its own, being taken for a sentence's start)."""
    bracket = _other_form(mention, text)
    return [w for w in WORD_RE.findall(bracket.group(1)) if w[0].isupper()] if bracket else []


def spelt_out_before(acronym: str, text: str, start: int) -> bool:
    """``acronym`` (at or after ``start`` in ``text``) abbreviates the words just before it,
    capitalised or not: "the Société internationale d'urologie [SIU]"."""
    letters = acronym.replace(".", "").removesuffix("s").upper()
    return _abbreviates_the_words_before(letters, text, text.find(acronym, start))


# The English forms of the glossary's acronyms that are names ("DPRK", "North Korea"), not the
# common words some render ("text" for SMS): only a name can render a French name.
GLOSSARY_NAMES = {a: names for a, forms in ACRONYM_GLOSSARY.items() if (names := tuple(f for f in forms if f[0].isupper()))}
_GLOSSARY_PREFIXES = frozenset(a[:n] for a in GLOSSARY_NAMES for n in range(1, len(a) + 1))
_NAME_BREAK_RE = re.compile(r"[,;:.!?()\[\]«»\"“”]")


def glossary_names(text: str) -> list[tuple[str, int, int]]:
    """French names written out whose initials are an acronym of GLOSSARY_NAMES, with where they
    are in ``text``: "République populaire démocratique de Corée" is the RPDC (English DPRK),
    "Organisation du traité de l'Atlantique Nord" the OTAN (NATO). One of two words ("Union
    européenne", UE) ends in lower case, so that two names side by side are not taken for one."""
    return [
        (letters, start, end) for letters, start, end, last in _initial_runs(text, _GLOSSARY_PREFIXES)
        if letters in GLOSSARY_NAMES and len(letters) >= 2 and (len(letters) > 2 or last[0].islower())
    ]


def spelt_out_in(acronym: str, text: str) -> bool:
    """``text`` writes out the name that ``acronym`` (three letters or more) abbreviates, lower-case
    words included: "FARDC" for "les Forces armées de la République démocratique du Congo"."""
    letters = _acronym_letters(acronym)
    prefixes = frozenset(letters[:n] for n in range(1, len(letters) + 1))
    return len(letters) >= 3 and any(found == letters for found, _, _, _ in _initial_runs(text, prefixes))


def _initial_runs(text: str, prefixes: frozenset[str]) -> Iterator[tuple[str, int, int, str]]:
    """(initials, start, end, last word) of each run of words in ``text`` that starts with a
    capitalised word, stays within a clause and whose content words' initials are one of
    ``prefixes``, each run as long as they stay one."""
    words = [(ELISION_RE.sub("", m.group(0)), m.start(), m.end()) for m in WORD_RE.finditer(text)]
    for i, (first, start, _) in enumerate(words):
        if not first[0].isupper() or fold(first) in FUNCTION_WORDS or fold(first)[0].upper() not in prefixes:
            continue
        letters, end = "", start
        for word, word_start, word_end in (words[j] for j in range(i, len(words))):
            if _NAME_BREAK_RE.search(text, end, word_start):
                break
            end = word_end
            folded = fold(word)
            if folded in FUNCTION_WORDS or len(folded) == 1:  # "s" of "s' applique", split off its verb
                continue
            letters += folded[0].upper()
            if letters not in prefixes:
                break
            yield letters, start, end, word
