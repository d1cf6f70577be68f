"""Names a translation renders word by word: "Fire Protection Service" for *Service de
protection contre les incendies*, "Food Standards Agency" for *Agence des normes alimentaires*.

Spelling links only the cognates (protection, service, agency); the other words of such a name
are common words, each rendered by a common word of the other side. A sentence embedder places
those close one word at a time (fire / incendies 0.81, standards / normes 0.86, food /
alimentaire 0.84) where the whole name and the French phrase are not. A name swapped for another
stays unrendered: both words of each counterpart pair must be dictionary words of their language,
which Obama, Texas or Londres are not on the French side, and all of a name's counterparts must
stand in one sentence of the other side.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Iterable, Mapping

import numpy as np

from align.countries import fold
from align.french_words import in_dictionary, is_french_word
from align.name_tables import renderings

# A word of a name and its counterpart whose cosine under the fidelity embedder (USE) reaches
# this translate each other (fire / incendies 0.81, border / frontières 0.80); words of one kind
# that do not, do not reach it (Paris / Londres 0.51, Obama / Merkel 0.52, Texas / Californie 0.61).
WORD_SIMILARITY = 0.7

# Words that carry no content: what a phrase is padded with, and what no name is rendered by.
FUNCTION_WORDS = frozenset(
    "le la les l un une de du des d au aux à et ou en dans par pour sur contre avec sans sous entre vers chez que qu qui "
    "dont où ne n pas se s sa son ses leur leurs ce c cet cette ces il elle ils elles on nous vous est a ont été "
    "the a an of to in on for and or with by at from as that which who is was are were be been it its their his her".split()
)
EDGE_MARKS = ",.;:!?()«»\"“”"
_ELIDED_START_RE = re.compile(r"^(?:[ldjmnstc]|qu)['’]", re.IGNORECASE)
_POSSESSIVE_END_RE = re.compile(r"['’]s?$")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«\"“])")


def bare(word: str) -> str:
    """``word`` without the marks around it or an elided article ("l'agence," → "agence")."""
    return _ELIDED_START_RE.sub("", word.strip(EDGE_MARKS))


def content_word(word: str) -> bool:
    """A word that is not an article, preposition, pronoun or auxiliary of either language."""
    word = bare(word).lower()
    return bool(word) and word not in FUNCTION_WORDS


def _words(text: str) -> list[str]:
    """The bare words of ``text``, hyphenated ones in their parts (Sainte-Croix, Basse-Californie)."""
    words = (_POSSESSIVE_END_RE.sub("", bare(w)) for w in text.split())
    return [part for w in words for part in w.split("-") if part]


def dictionary_word(word: str, language: str) -> bool:
    """``word`` is in the dictionary of ``language`` ("fr" or "en"), not only a name."""
    return is_french_word(word) if language == "fr" else in_dictionary(word.lower(), "en")


def name_words(name: str, language: str) -> list[str] | None:
    """The content words of ``name`` to render one by one; None where one is no dictionary
    word of ``language`` (a surname, a brand), or an English word the renderings table knows
    (Thursday, January, Jewish: the table has said it is not rendered, and such words lie close
    to their kind, Thursday to jeudi)."""
    words = [w for w in _words(name) if content_word(w)]
    if language == "en" and any(renderings(fold(w)) for w in words):
        return None
    return words if words and all(dictionary_word(w, language) for w in words) else None


@functools.lru_cache(maxsize=64)  # asked by check_pairs, then again for each flag of the pair
def counterparts(text: str, language: str) -> Mapping[str, frozenset[int]]:
    """Each content word of ``text`` that is a dictionary word of ``language``, with the
    sentences of ``text`` it stands in (numbered from 0)."""
    found: dict[str, set[int]] = {}
    for k, sentence in enumerate(_SENTENCE_END_RE.split(text)):
        for word in _words(sentence):
            if content_word(word) and dictionary_word(word, language):
                found.setdefault(word, set()).add(k)
    return {word: frozenset(sentences) for word, sentences in found.items()}


def rendered_word_by_word(
    names: Mapping[str, str], language: str, other: str, vector: Callable[[str], np.ndarray]
) -> set[str]:
    """The keys of ``names`` (a flag → the words of its name, in ``language``, that spelling
    leaves unrendered) whose every content word has a counterpart in one sentence of ``other``,
    the other language's text: a word whose cosine under ``vector`` reaches WORD_SIMILARITY."""
    other_words = counterparts(other, "en" if language == "fr" else "fr")
    wanted = {flag: words for flag, name in names.items() if (words := name_words(name, language))}
    if not other_words or not wanted:
        return set()
    candidates = list(other_words)
    asked = sorted({w for words in wanted.values() for w in words})
    close = np.stack([vector(w) for w in asked]) @ np.stack([vector(c) for c in candidates]).T >= WORD_SIMILARITY
    where = {w: frozenset().union(*(other_words[candidates[i]] for i in np.flatnonzero(row))) for w, row in zip(asked, close)}
    return {flag for flag, words in wanted.items() if frozenset.intersection(*(where[w] for w in words))}


def words_to_embed(names: Iterable[str], language: str, other: str) -> set[str]:
    """The texts :func:`rendered_word_by_word` embeds for ``names``: their words and, once, the
    counterpart candidates of ``other`` (none where no name is made of dictionary words)."""
    words = {w for name in names for w in name_words(name, language) or ()}
    return words | set(counterparts(other, "en" if language == "fr" else "fr")) if words else set()
