"""Names in a text: runs of capitalised words, the French name's lower-case words, and word
keys that compare a name's words across languages (accents, elision, possessives and small
spelling changes forgiven: Bruxelles → Brussels, Tchaïkovski → Tchaikovsky).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
from dataclasses import dataclass
from typing import Callable

from rapidfuzz import fuzz, process

from align.countries import fold
from align.french_words import is_french_word
from align.name_tables import ENGLISH_NOT_NAMES
from align.quantities import ROMAN_NUMERAL, ROMAN_ORDINAL_ENDING

# Lower-case words that an English headline in Title Case leaves small ("Journalists Urged to
# Shun Google for the Holidays"): a headline has no other lower-case word.
_TITLE_CASE_SMALL_WORDS = frozenset("a an the and but or nor for so yet at by in of on to up as from into onto over with than via per vs".split())
# Roman numerals in names ("World War II", "XIXe siècle", "Henri Ier") are numbers, not names.
_ROMAN_NUMERAL_RE = re.compile(rf"(?=[IVX]{{2}}){ROMAN_NUMERAL}{ROMAN_ORDINAL_ENDING}?|I(?:er|re|ère)")

# Lower-case words that join the capitalised words of one name ("Head of the European Union").
CONNECTORS = frozenset("of the for de du des la le van von der den al el bin ben da di del".split())

WORD_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# A word after one of these (and blanks) starts a sentence, a quotation or a bracket…
_SENTENCE_START_MARKS = ".!?:;«»\"“”(…—–-"
# …but not after the full stop of an abbreviated title ("Rev. Al Sharpton", "Dr. Watson", "M.
# Smith") or of an initial ("Michael J. Fox")
_TITLE_STOP_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Rev|Capt|Sen|Sens|Gen|Col|Lt|Sgt|Cpl|Maj|Adm|Gov|Rep|Reps|Prof|Hon|MM|Mgr|Pr|Ste)\.\s*|(?<![.\w])[A-Z]\.\s+)$"
)
_POSSESSIVE_RE = re.compile(r"['’]s?$")
# French elided articles and conjunctions ("l'Union", "d'Israël", "jusqu'à")
ELISION_RE = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\w)", re.IGNORECASE)
ELIDED_RE = re.compile(r"\b((?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’])(?=\w)", re.IGNORECASE)
_MIN_FUZZY_RATIO = 75  # rapidfuzz ratio (0-100) for two spellings of one name
_MIN_PREFIX = 4  # or this many leading letters in common, at least half the shorter word
_SHORT_PREFIX = 3  # a rendering's prefix this short must be a whole word but for an inflection
_INFLECTIONS = frozenset(("", "s", "x", "e", "es", "se", "ses"))


@functools.lru_cache(maxsize=65536)  # the same words are keyed again for each name checked
def word_key(word: str) -> str:
    """A word compared across languages: folded, without elision, possessive, hyphens, or the
    plural of an acronym ("UNSCRs")."""
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        word = word[:-1]
    return _POSSESSIVE_RE.sub("", ELISION_RE.sub("", fold(word))).replace("-", "").replace("'", "").replace("’", "").replace(".", "")


def is_acronym(word: str) -> bool:
    """"UN", "U.S.", and plurals such as "UNSCRs"."""
    letters = word.replace(".", "").removesuffix("s")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def rendering_matches(prefix: str, key: str) -> bool:
    """The word ``key`` starts with a rendering's ``prefix``, which if short is the whole word
    but for an inflection."""
    return key.startswith(prefix) and (len(prefix) > _SHORT_PREFIX or key[len(prefix) :] in _INFLECTIONS)


class Spellings:
    """The keys of one text's words, indexed so that asking whether a word is spelt like one
    of them reads a few, not all: a long text (a document on one line) made that quadratic."""

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys
        self.longer = [k for k in keys if len(k) >= 4]
        self._joined = "\n".join(self.longer)
        self._by_prefix: dict[str, list[str]] = {}
        for key in self.longer:
            self._by_prefix.setdefault(key[:_MIN_PREFIX], []).append(key)
        self._sorted = sorted(keys)
        self._transliterated = {_transliterated(k) for k in self.longer}

    def starts_with(self, prefix: str) -> bool:
        """Some key starts with ``prefix``; a prefix of three letters or fewer ends the key
        but for an inflection ("mer", "mers"; "bas", "basse"), or "mer" would render "Merah"."""
        i = bisect.bisect_left(self._sorted, prefix)
        keys = itertools.takewhile(lambda k: k.startswith(prefix), self._sorted[i:])
        return any(rendering_matches(prefix, key) for key in keys)

    def alike(self, word: str) -> bool:
        """``word`` (a key) is one of the keys or a near spelling of one (Bruxelles/Brussels)."""
        if word in self.keys:
            return True
        if len(word) < 4:
            return False
        if len(word) >= 6 and word[:5] in self._joined:  # Americans / Afro-Américains
            return True
        for candidate in self._by_prefix.get(word[:_MIN_PREFIX], ()):
            shared = len(os.path.commonprefix([word, candidate]))
            if shared * 2 >= min(len(word), len(candidate)):
                return True
        if process.extractOne(word, self.longer, scorer=fuzz.ratio, score_cutoff=_MIN_FUZZY_RATIO) is not None:
            return True
        return _transliterated(word) in self._transliterated


# French and English transliterate Russian, Arabic and other names with different letters
# (Chnour/Shnur, Oumed/Umed, Tchaïkovski/Tchaikovsky), and end adjectives differently
# (balistique/Ballistic): each pair is brought to one spelling.
_TRANSLITERATIONS = (
    ("ique", "ic"), ("tch", "ch"), ("sh", "ch"), ("ou", "u"), ("kh", "h"), ("dj", "j"), ("y", "i"), ("ph", "f"), ("ck", "k"),
)


@functools.lru_cache(maxsize=65536)
def _transliterated(key: str) -> str:
    for french, english in _TRANSLITERATIONS:
        key = key.replace(french, english)
    return re.sub(r"(.)\1", r"\1", key)  # doubled letters once


@dataclass(frozen=True)
class Mention:
    """Capitalised words that form one name in a text, with the span's text for messages."""

    text: str
    words: tuple[str, ...]
    start: int = 0  # where the first word is in the text


# What may stand between two words of one name: spaces, no-break spaces included (French
# typography's "Katie\u00a0O'Malley"), and an apostrophe.
_NAME_JOINERS = " \u00a0\u202f\u2009'’"


def mentions(
    text: str, connectors: frozenset[str] = CONNECTORS, name_at_start: Callable[[str], bool] = is_acronym
) -> list[Mention]:
    """Runs of capitalised words ("Head of the European Union", "Ri Yong Ho", "DPRK").

    A sentence's first word is left out unless ``name_at_start`` says it is a name (by default
    an acronym): it is capitalised because it starts the sentence. A headline (no lower-case
    word of three letters or more) has no mentions.
    """
    tokens = [(m.group(0), m.start(), m.end()) for m in WORD_RE.finditer(text)]
    if len(tokens) >= 3 and not any(len(t[0]) >= 3 and t[0].islower() and t[0] not in _TITLE_CASE_SMALL_WORDS for t in tokens):
        return []  # a headline in capitals or Title Case
    found: list[Mention] = []
    run: list[tuple[str, int, int]] = []
    pending: list[tuple[str, int, int]] = []  # connectors seen since the run's last word

    def close() -> None:
        names = [t for t in run if t[0][0].isupper()]
        if _starts_sentence(text, names[0][1]) and not name_at_start(names[0][0]):
            names = names[1:]  # capitalised because it starts the sentence
        kept = [t for t in names if len(t[0]) > 1 and fold(t[0]) not in ENGLISH_NOT_NAMES and not _ROMAN_NUMERAL_RE.fullmatch(t[0])]
        if kept:
            found.append(Mention(text[kept[0][1] : kept[-1][2]], tuple(t[0] for t in kept), kept[0][1]))

    for token in tokens:
        word, start, _ = token
        joined = bool(run) and text[(pending or run)[-1][2] : start].strip(_NAME_JOINERS) == ""
        if word[0].isupper():
            if not joined and run:
                close()
                run = []
            run += pending + [token]
            pending = []
        elif joined and word.lower() in connectors and len(pending) < 2:
            pending.append(token)
        else:
            if run:
                close()
            run, pending = [], []
    if run:
        close()
    return found


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` starts a sentence: only blanks lie between it and the
    text's start or a sentence's end. Only those few characters are read, not all the text
    before, which made a long text (a document on one line) quadratic."""
    end = start
    while end and text[end - 1].isspace():
        end -= 1
    if end and text[end - 1] in "'‘" and (end == 1 or text[end - 2].isspace() or text[end - 2] in _SENTENCE_START_MARKS):
        end -= 1  # an opening single quotation mark ("'Well!' thought Alice"), not an elision ("l' Union")
        while end and text[end - 1].isspace():
            end -= 1
    if end and text[end - 1] not in _SENTENCE_START_MARKS:
        return False
    return not _TITLE_STOP_RE.search(text, max(end - 6, 0), start)  # "Capt. " is the longest


_FRENCH_CONNECTORS = frozenset("de du des la le les l d".split())


# French words no name starts or ends with, capitalised where a title or a line starts after a
# name or a figure ("Interview France Inter Quand des vidéastes se mobilisent", "219Cette caisse").
_FRENCH_NOT_NAME_WORDS = frozenset("quand comment pourquoi lorsque puisque cette ces cet dont où mais donc car".split())


def french_mentions(text: str) -> list[Mention]:
    """:func:`mentions` of a French text, elided articles split off ("l'Union" → "l' Union");
    a sentence's first word is a name where it is no French word ("Pattloch nous explique"),
    and a question word, conjunction or demonstrative at either end of a run is none."""
    found = []
    for mention in mentions(ELIDED_RE.sub(r"\1 ", text), _FRENCH_CONNECTORS, _french_name_at_start):
        words = list(mention.words)
        while words and words[-1].lower() in _FRENCH_NOT_NAME_WORDS:
            words.pop()
        lead = 0
        while lead < len(words) and words[lead].lower() in _FRENCH_NOT_NAME_WORDS:
            lead += 1
        if not words[lead:]:
            continue
        if len(words) - lead == len(mention.words):
            found.append(mention)
            continue
        begin = mention.text.find(words[lead]) if lead else 0
        end = mention.text.rfind(words[-1]) + len(words[-1])
        found.append(Mention(mention.text[begin:end], tuple(words[lead:]), mention.start + begin))
    return found


def _french_name_at_start(word: str) -> bool:
    return is_acronym(word) or not is_french_word(word)


_NAME_TAIL_WORDS = 6
_OPENING_MARKS = "(«\"“["
_NON_BLANK_RE = re.compile(r"\S+")
_CLAUSE_END_MARKS = ",.;:!?)»\"”]"


def french_name_tail(text: str, end: int, limit: int = _NAME_TAIL_WORDS) -> list[str]:
    """The lower-case words, marks stripped, that go on within its clause a French name ending
    at ``end``: French capitalises a name's first word only ("Comité international olympique",
    "Observatoire américain de la sécheresse")."""
    tail = []
    words = itertools.islice(_NON_BLANK_RE.finditer(text, end), max(limit, 0))  # not all the text after it
    for word in (m.group(0) for m in words):
        bare = word.strip(_OPENING_MARKS + _CLAUSE_END_MARKS)
        if not bare or not bare[0].islower() or word[0] in _OPENING_MARKS:
            break
        tail.append(bare)
        if word[-1] in _CLAUSE_END_MARKS:
            break
    return tail
