"""Named entities on both sides of a French→English translation, and whether each is rendered.

A translation that invents an entity ("Head of the European Union", "Indian Ocean" for
Indopacifique) or drops one is wrong in a way a reader cannot see. Without a tagger or a
bilingual lexicon, an English capitalised word counts as *supported* when the French source
holds a word spelt like it (accents, endings and small spelling changes forgiven: Bruxelles →
Brussels, Indopacifique → Indo-Pacific), a country (:mod:`align.countries`), an acronym or
exonym from the tables of :mod:`align.name_tables`, or one of the French words its
``RENDERINGS`` lists for it (janvier → January, ministre → Minister). Unsupported capitalised
words are entities the translation added; French names with no such counterpart in the English
are entities it lost. A French sentence's first word is a name where it is no French word
(:mod:`align.french_words`).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from rapidfuzz import fuzz, process

from align.countries import (
    COUNTRIES,
    COUNTRY_NAMES,
    SWAPPED,
    _contains,
    added_countries,
    english_countries,
    english_country_spans,
    fold,
    french_country_spans,
    missing_countries,
    referred_countries,
)
from align.french_words import in_dictionary, is_french_word
from align.name_tables import ACRONYM_GLOSSARY, ENGLISH_NOT_NAMES, FRENCH_NOT_NAMES, RENDERINGS, renderings
from align.quantities import ROMAN_NUMERAL, ROMAN_ORDINAL_ENDING

# Lower-case words that an English headline in Title Case leaves small ("Journalists Urged to
# Shun Google for the Holidays"): a headline has no other lower-case word.
_TITLE_CASE_SMALL_WORDS = frozenset("a an the and but or nor for so yet at by in of on to up as from into onto over with than via per vs".split())
# Roman numerals in names ("World War II", "XIXe siècle") are numbers, not names.
_ROMAN_NUMERAL_RE = re.compile(rf"(?=[IVX]{{2}}){ROMAN_NUMERAL}{ROMAN_ORDINAL_ENDING}?")

# Lower-case words that join the capitalised words of one name ("Head of the European Union").
_CONNECTORS = frozenset("of the for de du des la le van von der den al el bin ben da di del".split())

_WORD_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# A word after one of these (and blanks) starts a sentence, a quotation or a bracket…
_SENTENCE_START_MARKS = ".!?:;«»\"“”(…—–-"
# …but not after the full stop of an abbreviated title ("Rev. Al Sharpton", "Dr. Watson", "M.
# Smith") or of an initial ("Michael J. Fox")
_TITLE_STOP_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Rev|Capt|Sen|Sens|Gen|Col|Lt|Sgt|Cpl|Maj|Adm|Gov|Rep|Reps|Prof|Hon|MM|Mgr|Pr|Ste)\.\s*|(?<![.\w])[A-Z]\.\s+)$"
)
_POSSESSIVE_RE = re.compile(r"['’]s?$")
# French elided articles and conjunctions ("l'Union", "d'Israël", "jusqu'à")
_ELISION_RE = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\w)", re.IGNORECASE)
_ELIDED_RE = re.compile(r"\b((?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’])(?=\w)", re.IGNORECASE)
_MIN_FUZZY_RATIO = 75  # rapidfuzz ratio (0-100) for two spellings of one name
_REPEAT_GAP = 4  # words between two mentions of one name that make it said twice
_MIN_PREFIX = 4  # or this many leading letters in common, at least half the shorter word


# Compared without accents, as words are ("Académie", "Sécurité").
_FOLDED_FRENCH_NOT_NAMES = frozenset(map(fold, FRENCH_NOT_NAMES))


@functools.lru_cache(maxsize=65536)  # the same words are keyed again for each name checked
def _key(word: str) -> str:
    """A word compared across languages: folded, without elision, possessive, hyphens, or the
    plural of an acronym ("UNSCRs")."""
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        word = word[:-1]
    return _POSSESSIVE_RE.sub("", _ELISION_RE.sub("", fold(word))).replace("-", "").replace("'", "").replace("’", "").replace(".", "")


def _is_acronym(word: str) -> bool:
    """"UN", "U.S.", and plurals such as "UNSCRs"."""
    letters = word.replace(".", "").removesuffix("s")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


class _Spellings:
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
        """Some key starts with ``prefix``."""
        i = bisect.bisect_left(self._sorted, prefix)
        return i < len(self._sorted) and self._sorted[i].startswith(prefix)

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
# (Chnour/Shnur, Oumed/Umed, Tchaïkovski/Tchaikovsky): each pair is brought to one spelling.
_TRANSLITERATIONS = (("tch", "ch"), ("sh", "ch"), ("ou", "u"), ("kh", "h"), ("dj", "j"), ("y", "i"), ("ph", "f"), ("ck", "k"))


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


def mentions(
    text: str, connectors: frozenset[str] = _CONNECTORS, name_at_start: Callable[[str], bool] = _is_acronym
) -> list[Mention]:
    """Runs of capitalised words ("Head of the European Union", "Ri Yong Ho", "DPRK").

    A sentence's first word is left out unless ``name_at_start`` says it is a name (by default
    an acronym): it is capitalised because it starts the sentence. A headline (no lower-case
    word of three letters or more) has no mentions.
    """
    tokens = [(m.group(0), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
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
        joined = bool(run) and text[(pending or run)[-1][2] : start].strip(" '’") == ""
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
    if end and text[end - 1] not in _SENTENCE_START_MARKS:
        return False
    return not _TITLE_STOP_RE.search(text, max(end - 6, 0), start)  # "Capt. " is the longest


_FRENCH_CONNECTORS = frozenset("de du des la le les l d".split())


def french_mentions(text: str) -> list[Mention]:
    """:func:`mentions` of a French text, elided articles split off ("l'Union" → "l' Union");
    a sentence's first word is a name where it is no French word ("Pattloch nous explique")."""
    return mentions(_ELIDED_RE.sub(r"\1 ", text), _FRENCH_CONNECTORS, _french_name_at_start)


def _french_name_at_start(word: str) -> bool:
    return _is_acronym(word) or not is_french_word(word)


# The distinctive words of countries' English names, left to the country checks; the words the
# tables render ("People", "Republic", "United", "New") must be rendered like any other word, or
# "People of Our City" would pass for a piece of "Democratic People's Republic of Korea".
_ALL_COUNTRY_KEYS = frozenset(
    _key(w) for c in COUNTRIES for form in c.english for w in _WORD_RE.findall(form)
    if w[0].isupper() and (_key(w) not in RENDERINGS or _is_acronym(w))
)


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


@functools.lru_cache(maxsize=16)  # asked for each acronym of the other side
def _initials(text: str) -> frozenset[str]:
    """Initials of every run of two or more capitalised words ("European Central Bank" → ECB),
    French names with their lower-case words ("Comité international olympique" → CIO)."""
    spaced = _ELIDED_RE.sub(r"\1 ", text)
    runs = [m.words for m in mentions(text)]
    for m in french_mentions(text):
        tail = (_ELISION_RE.sub("", w) for w in french_name_tail(spaced, m.start + len(m.text)))
        runs.append(m.words + tuple(w for w in tail if w.isalpha() and w not in _FUNCTION_WORDS))
    found = set()
    for words in runs:
        letters = "".join(w[0] for w in words).upper()
        found |= {letters[i:j] for i in range(len(letters)) for j in range(i + 2, len(letters) + 1)}
    return frozenset(found)


@functools.lru_cache(maxsize=16)
def _initials_reordered(text: str) -> frozenset[str]:
    """:func:`_initials` with each one's letters sorted: the languages order a name's words
    differently (Northern Kentucky University, NKU / Université du Nord du Kentucky)."""
    return frozenset("".join(sorted(i)) for i in _initials(text))


def _acronym_kept(acronym: str, other: str, other_acronyms: set[str]) -> bool:
    """``acronym`` survives in ``other`` as is, with its letters reordered (English puts the
    adjective first: "MS", modèle standard → "SM"), or spelt out there, in any word order."""
    letters = fold(acronym.replace(".", "").removesuffix("s")).upper()  # ČSSD is CSSD
    reordered = "".join(sorted(letters))
    return (
        letters in other_acronyms
        or reordered in {"".join(sorted(a)) for a in other_acronyms}
        or letters in _initials(other)
        or len(letters) >= 3 and reordered in _initials_reordered(other)
    )


# Lower-case abbreviations written letter by letter: "p.-d.g." is the acronym PDG (CEO).
_DOTTED_ABBREVIATION_RE = re.compile(r"(?<!\w)(?:[a-z]\.-?){2,}")


def _acronyms_in(text: str) -> set[str]:
    """Acronyms of ``text``, an elided article taken off ("le test d'APS"), and its
    abbreviations written letter by letter ("p.-d.g.")."""
    words = (_ELISION_RE.sub("", w) for w in _WORD_RE.findall(text))
    dotted = {re.sub(r"[.-]", "", a).upper() for a in _DOTTED_ABBREVIATION_RE.findall(text)}
    return {fold(w.replace(".", "").removesuffix("s")).upper() for w in words if _is_acronym(w)} | dotted


def _keys(text: str) -> frozenset[str]:
    """Keys of the words of ``text`` and of the parts of its hyphenated words: "Tequila-jazz"
    is one word in French and two in English ("Tequila Jazz")."""
    words = _WORD_RE.findall(text)
    return frozenset(_key(w) for w in words) | {_key(part) for w in words if "-" in w for part in w.split("-") if part}


@functools.lru_cache(maxsize=64)  # asked again for each flag of a pair, and for each mention
def english_support(source: str) -> Callable[[str], bool]:
    """Whether an English capitalised word renders something in the French ``source``."""
    source_keys = _Spellings(_keys(source))
    given = {_key(w) for c in referred_countries(source) for form in c.english for w in _WORD_RE.findall(form)}
    source_acronyms = _acronyms_in(source)
    given |= {
        _key(w) for acronym in source_acronyms for form in ACRONYM_GLOSSARY.get(acronym, ()) for w in _WORD_RE.findall(form)
    }

    def rendered(word: str) -> bool:
        key = _key(word)
        if key in given or key in _ALL_COUNTRY_KEYS:  # countries: see added_countries
            return True
        prefixes = [p.replace("-", "") for p in renderings(key)]
        if any(source_keys.starts_with(p) for p in prefixes):
            return True
        if _is_acronym(word):  # or written as a word on the other side (UNICEF / Unicef)
            return _acronym_kept(word, source, source_acronyms) or key in source_keys.keys
        if "-" in word.strip("-") and all(rendered(part) for part in word.split("-") if part[:1].isupper()):
            return True  # "Deputy-Prime" for "vice-premier"; "US-based": its lower-case parts are no name
        return source_keys.alike(key)

    return rendered


def added_entities(source: str, target: str) -> list[str]:
    """Names in the English ``target`` that nothing in the French ``source`` renders, then
    names said twice in a row and countries the source does not refer to."""
    rendered = english_support(source)
    initials = _initials(target)

    def explained(word: str, mention: Mention) -> bool:  # an acronym the target spells out
        return _is_acronym(word) and (word.replace(".", "") in initials or _spelt_out_before(word, target, mention.start))

    def supported_name(mention: Mention) -> bool:  # "Mexico City" for "Mexico": a place's generic word
        words = [w for w in mention.words if fold(w) not in _GENERIC_PLACE_WORDS] or mention.words
        return all(rendered(w) or explained(w, mention) for w in words) or _titled_person(mention, rendered)

    found = mentions(target)
    supported = [supported_name(m) for m in found]
    for i, j in _bracketed_pairs(found, target):  # "the Fed (Federal Reserve)": the full form of a rendered name
        supported[j] = supported[j] or supported[i]
    countries = _not_referred_back(added_countries(source, target), source, target)
    # a name inside a country's name the country flags already report: "Papua New Guinea"
    reported = [(s, e) for c, s, e in english_country_spans(target) if c.name in countries]
    added = [
        m.text for m, ok in zip(found, supported)
        if not ok and not any(s <= m.start and m.start + len(m.text) <= e for s, e in reported)
    ]
    return list(dict.fromkeys(added + repeated_mentions(source, target) + countries))


# French refers back to a country it named before by "ce pays", "le pays" ("Un soutien direct
# de ce pays", the DPRK of the sentence before) where English may name it again.
_FRENCH_COUNTRY_BACK_REFERENCE_RE = re.compile(r"\b(?:ce|cet|le|du|au|ledit|dudit)\s+pays\b", re.IGNORECASE)


def _titled_person(mention: Mention, rendered: Callable[[str], bool]) -> bool:
    """A rendered name after an office: "Technical Rescue Officer Andy Clayton" for "le
    spécialiste des secours techniques Andy Clayton". The name must follow the office's last
    word directly, and the words before it be common words or rendered, so that an office
    cannot bring in an organisation ("Xinhua Chairman") or a name of its own."""
    words = mention.words
    titles = [i for i, w in enumerate(words[:-1]) if fold(w) in _TITLE_WORDS]
    if not titles:
        return False
    t = titles[-1]
    name = words[t + 1 :]
    if not re.search(rf"\b{re.escape(words[t])}\s+{re.escape(name[0])}\b", mention.text) or not all(map(rendered, name)):
        return False
    return all(rendered(w) or in_dictionary(w.lower(), "en") for w in words[:t])


def _not_referred_back(added: list[str], source: str, target: str) -> list[str]:
    """The countries of ``added`` less those the source's "ce pays" may stand for: as many
    countries as it has such references that the target does not render as "the country",
    when the target adds no more than that."""
    plain = [c for c in added if SWAPPED not in c]
    references = len(_FRENCH_COUNTRY_BACK_REFERENCE_RE.findall(source)) - len(_COUNTRY_REFERENCE_RE.findall(target))
    if not plain or len(plain) > references:
        return added
    return [c for c in added if c not in plain]


_BRACKET_RE = re.compile(r"\s*[(\[]([^()\[\]]{1,80})[)\]]")


def _other_form(mention: Mention, text: str) -> re.Match[str] | None:
    """The brackets right after ``mention`` where they hold another form of the same name:
    "Monts des Géants (Krkonoše)", "the Fed (Federal Reserve)", "RM (Rakieta Meteorologiczna)";
    not a party after a person ("Jaroslav Palas (ČSSD)"): an acronym on one side only must
    abbreviate the other; nor a list."""
    bracket = _BRACKET_RE.match(text, mention.start + len(mention.text))
    if not bracket or re.search(r"[,;]|\b(?:and|et|or|ou)\b", bracket.group(1)):
        return None  # a list of places ("Afghanistan (Kapisa and Surobi)") is no other form
    inside = [w for w in _WORD_RE.findall(bracket.group(1)) if fold(w) not in _FUNCTION_WORDS]
    outside = list(mention.words)
    one_acronym = [side for side in (inside, outside) if len(side) == 1 and _is_acronym(side[0])]
    if len(one_acronym) == 1:
        other = outside if one_acronym[0] is inside else inside
        letters = fold(one_acronym[0][0].replace(".", "")).upper()
        if not _initials_of(other).startswith(letters) and not (
            one_acronym[0] is inside and _abbreviates_the_words_before(letters, text, bracket.start())
        ):
            return None
    return bracket


def _initials_of(words: list[str]) -> str:
    return "".join(fold(w)[0] for w in words).upper()


def _abbreviates_the_words_before(letters: str, text: str, end: int) -> bool:
    """``letters`` are the initials of the content words just before ``end``, lower-case ones
    too: a French name capitalises its first word only ("République populaire démocratique de
    Corée (RPDC)", of which "Corée" alone is the mention before the bracket)."""
    words = [w for w in _WORD_RE.findall(text[max(end - 200, 0) : end]) if fold(w) not in _FUNCTION_WORDS]
    return len(words) >= len(letters) and _initials_of(words[-len(letters) :]) == letters


def _bracketed_pairs(found: list[Mention], text: str) -> list[tuple[int, int]]:
    """(i, j) where mention j is inside the brackets right after mention i, as its other form."""
    pairs = []
    for i, first in enumerate(found):
        bracket = _other_form(first, text)
        if bracket:
            pairs += [(i, j) for j, m in enumerate(found) if bracket.start(1) <= m.start < bracket.end(1)]
    return pairs


def _bracket_words(mention: Mention, text: str) -> list[str]:
    """The capitalised words of the other form in brackets right after ``mention`` (where a
    bracket's first word is no mention of its own, being taken for a sentence's start)."""
    bracket = _other_form(mention, text)
    return [w for w in _WORD_RE.findall(bracket.group(1)) if w[0].isupper()] if bracket else []


_FUNCTION_WORDS = _CONNECTORS | frozenset("and et of l d".split())
# English words that a place's name takes where French names the place alone ("Mexico City" /
# Mexico, "the Ezulweni River" / l'Ezulweni, "Guantanamo Bay" / Guantanamo).
_GENERIC_PLACE_WORDS = frozenset("city county province district region river valley mountains hills bay".split())
# Words of office and rank that English puts, capitalised, right before a person's name where
# French writes the office in lower case or in other words ("Mayor José Paulet" / "le bourgmestre
# José Paulet", "Gazprom Chairman Alexei Miller" / "le directeur général de Gazprom"). Not
# "head": "Head of the European Union" is no office before a name.
_TITLE_WORDS = frozenset(
    """
    mayor chairman chairwoman chair chairperson president minister secretary officer commissioner
    inspector detective constable superintendent sheriff deputy barrister solicitor attorney lawyer
    judge justice magistrate coroner prosecutor professor doctor dean director manager coach
    captain skipper general colonel major lieutenant sergeant corporal commander admiral marshal
    brigadier governor senator congressman congresswoman representative councillor councilman
    councilwoman alderman speaker chancellor ambassador envoy spokesman spokeswoman spokesperson
    pm mp mep ceo cfo chief executive founder king queen prince princess duke duchess lord lady
    dame pope cardinal archbishop bishop reverend pastor imam rabbi sheikh emir premier staff
    """.split()
)


def _spelt_out_before(acronym: str, text: str, start: int) -> bool:
    """``acronym`` (at or after ``start`` in ``text``) abbreviates the words just before it,
    capitalised or not: "the Société internationale d'urologie [SIU]"."""
    letters = acronym.replace(".", "").removesuffix("s").lower()
    end = text.find(acronym, start)
    reach = 64 * len(letters)  # read back only as far as the words needed, not all the text
    while True:
        begin = max(end - reach, 0)
        before = _ELIDED_RE.sub(r"\1 ", text[begin:end])
        words = [w for w in _WORD_RE.findall(before) if fold(w) not in _FUNCTION_WORDS]
        if begin == 0 or len(words) > len(letters):  # more: the first word, maybe cut, is not used
            break
        reach *= 4
    return len(words) >= len(letters) and "".join(fold(w)[0] for w in words[-len(letters) :]) == letters


def unrendered_part(name: str, source: str) -> str:
    """The words of the English ``name`` that render nothing in the source: all of it for
    another name, "Head" for "Head of the European Union" (an altered name), nothing for a
    name said more often than the source says it ("DPRK soldiers of the DPRK")."""
    rendered = english_support(source)
    words = [w for w in _WORD_RE.findall(name) if w[0].isupper() and fold(w) not in ENGLISH_NOT_NAMES]
    if not words:
        return name
    return " ".join(w for w in words if not rendered(w))


def _name_key(mention: Mention) -> str:
    """One name however it is inflected or spelt: "DPRK's" is "DPRK" said again."""
    return " ".join(map(_key, mention.words))


def repeated_mentions(source: str, target: str) -> list[str]:
    """A name the target says twice a few words apart ("DPRK soldiers of the DPRK") where the
    source says no name twice so, and refers to it fewer times in all than the target names
    it: a model stuck on the name. ("between the DPRK and Russia, including the DPRK's export
    … of DPRK missiles" renders the source's RPDC, RPDC and nord-coréens.)"""

    def repeats(found: list[Mention], text: str) -> list[Mention]:
        ends: dict[str, int] = {}
        twice = []
        for m in found:
            name = _name_key(m)
            if name in ends and len(text[ends[name] : m.start].split()) <= _REPEAT_GAP:
                twice.append(m)
            ends[name] = m.start + len(m.text)
        return twice

    if repeats(french_mentions(source), _ELIDED_RE.sub(r"\1 ", source)):
        return []
    found = mentions(target)
    return [
        m.text for m in repeats(found, target)
        if _times_referred(m, source) < sum(_name_key(other) == _name_key(m) for other in found)
    ]


def _times_referred(mention: Mention, source: str) -> int:
    """How many times the French ``source`` refers to what the English ``mention`` names: any
    word for its country (RPDC, nord-coréens), else the French names that render it."""
    countries = {c for c, _, _ in english_country_spans(mention.text)}
    if countries:
        return sum(c in countries for c, _, _ in french_country_spans(fold(source)))
    supports = (english_support(m.text) for m in french_mentions(source))
    return sum(any(map(rendered, mention.words)) for rendered in supports)


@functools.lru_cache(maxsize=64)
def french_support(target: str) -> Callable[[str], bool]:
    """Whether a French capitalised word is rendered in the English ``target``."""
    target_keys = _Spellings(_keys(target))
    prefixes = tuple(p.replace("-", "") for key in target_keys.keys for p in renderings(key))
    target_acronyms = _acronyms_in(target)
    named = english_countries(target)

    def rendered(word: str) -> bool:
        key = _key(word)
        if word in ACRONYM_GLOSSARY:
            return any(_contains(target, form) for form in ACRONYM_GLOSSARY[word])
        if fold(word) in _FOLDED_FRENCH_NOT_NAMES or any(c in named for c in referred_countries(word)):
            return True  # a country's name, capital or people, rendered by any name of it (Moscou / Russia)
        if _is_acronym(word):
            return _acronym_kept(word, target, target_acronyms) or key in target_keys.keys
        return key.startswith(prefixes) or target_keys.alike(key)

    return rendered


def unrendered_french_part(name: str, target: str) -> str:
    """The words of the French ``name`` that the English ``target`` renders in no way:
    "DiCaprio" of "Leonardo DiCaprio" where the English keeps "Leonardo"; empty where it renders
    every word (a name said twice and rendered once, see :func:`_said_less_often`)."""
    rendered = french_support(target)
    return " ".join(w for w in _WORD_RE.findall(name) if w[0].isupper() and not rendered(w))


def missing_entities(source: str, target: str) -> list[str]:
    """Names in the French ``source`` that the English ``target`` renders in no way, then
    countries the source names that the target does not."""
    rendered = french_support(target)
    source_text = _ELIDED_RE.sub(r"\1 ", source)
    found = french_mentions(source)
    done = [_rendered_from_some_word_on(list(map(rendered, m.words))) for m in found]
    # a name and its other form in brackets, "Monts des Géants (Krkonoše)": either one renders both
    for i, m in enumerate(found):
        other = _bracket_words(m, source_text)
        done[i] = done[i] or bool(other) and all(rendered(w) for w in other)
    bracketed = _bracketed_pairs(found, source_text)
    for i, j in bracketed:
        done[i] = done[j] = done[i] or done[j]
    for i in _said_less_often(found, source, target):
        done[i] = False
    countries = missing_countries(source, target)

    def reported(name: str) -> bool:  # "Allemagne" is the country missing_countries names
        referred = {c.name for c in referred_countries(name)}
        return bool(referred) and referred <= set(countries)

    other_forms = {j for _, j in bracketed}  # one name, one flag: not "Krkonoše" of "Monts des Géants (Krkonoše)"
    missing = [m.text for k, (m, ok) in enumerate(zip(found, done)) if not ok and k not in other_forms and not reported(m.text)]
    missing = list(dict.fromkeys(missing + countries))
    if _ENGLISH_MONEY_RE.search(target):
        qualifier_ends = [m.end() for m in _CURRENCY_QUALIFIER_RE.finditer(source)]
        missing = [n for n in missing if not _qualifies_a_currency(n, source, qualifier_ends)]
    if _COUNTRY_REFERENCE_RE.search(target) and not _FRENCH_COUNTRY_WORD_RE.search(source):
        referred = next((n for n in missing if _may_be_a_country(n, source)), None)
        missing = [n for n in missing if n != referred]
    return missing


# "1 300 $ de Singapour", "5 milliards de dollars US": a country that says whose currency it is,
# which English writes into the sign ("S$1,300", "$5bn") or leaves to the context.
_CURRENCY_QUALIFIER_RE = re.compile(
    r"(?:[$€£]|\b(?:dollars?|livres?|francs?|couronnes?|pesos?|roupies?|roubles?|dinars?|rands?|yuans?|yens?))"
    r"\s+(?:de\s+|d['’]|des\s+)?",
    re.IGNORECASE,
)
_ENGLISH_MONEY_RE = re.compile(
    r"[$€£¥]|\b(?:dollars?|pounds?|francs?|crowns?|pesos?|rupees?|roubles?|rubles?|dinars?|rands?|yuan|yen)\b", re.IGNORECASE
)


def _qualifies_a_currency(name: str, source: str, qualifier_ends: list[int]) -> bool:
    """``name`` stands right after a currency (``qualifier_ends``: where each currency word
    and its "de" end, found once per source: a long source has many names to ask about)."""
    folded = name.lower()
    return any(
        source[end : end + len(name)].lower() == folded and not re.match(r"\w", source[end + len(name) : end + len(name) + 1])
        for end in qualifier_ends
    )


def _rendered_from_some_word_on(rendered: list[bool]) -> bool:
    """A name whose words are rendered from one on to its last: given names and titles before
    the surname may go (Mary Martin / Martin, Gérard de Villiers / de Villiers), not a word
    inside it (Ri Yong Ho / Ri Ho)."""
    return True in rendered and all(rendered[rendered.index(True) :])


def _said_less_often(found: list[Mention], source: str, target: str) -> list[int]:
    """The last French mention of each name the source says more often than the target renders
    it, where the target also names something the source does not: "entre Obama et … qu'Obama"
    as "between Wentzler and … Obama" is one mention swapped for another name, where a pronoun
    for the second mention ("Obama … he") adds no name and is a rendering."""
    said: dict[str, list[int]] = {}
    for i, m in enumerate(found):
        said.setdefault(_name_key(m), []).append(i)
    # countries are left to the country checks (English refers back to them with "it"), and
    # institutions and titles (la Cour … la Cour: "the court") are never required
    repeated = [
        places for places in said.values()
        if len(places) >= 2 and not referred_countries(found[places[0]].text)
        and not all(fold(w) in _FOLDED_FRENCH_NOT_NAMES for w in found[places[0]].words)
    ]
    fewer = [places[-1] for places in repeated if _times_rendered(found[places[0]], target) < len(places)]
    return fewer if fewer and added_entities(source, target) else []


def _times_rendered(mention: Mention, target: str) -> int:
    """How many capitalised words of the English ``target``, wherever they stand, render the
    last word of the French ``mention`` (Obama of Barack Obama); a country's name, which
    english_support lets pass for the country checks, renders no name here."""
    renders = english_support(mention.words[-1])
    return sum(n for w, n in _capitalised_words(target).items() if _key(w) not in _ALL_COUNTRY_KEYS and renders(w))


@functools.lru_cache(maxsize=4)  # asked for each name a long source repeats
def _capitalised_words(text: str) -> Counter[str]:
    return Counter(w for w in _WORD_RE.findall(text) if w[0].isupper())


# English refers back to a country by "the country" where French repeats its name ("la France"
# … "the country", "en Russie" → "in our country"): one country name is then rendered.
_COUNTRY_REFERENCE_RE = re.compile(
    r"\b(?:the|this|that|our|their|its|his|her)(?: (?:whole|entire|same|own))? (?:country|nation)\b", re.IGNORECASE
)
_FRENCH_COUNTRY_WORD_RE = re.compile(r"\b(?:pays|nation)\b", re.IGNORECASE)


def _may_be_a_country(name: str, source: str) -> bool:
    """A country of the tables, or a one-word name French puts an article before (la France)."""
    if name in COUNTRY_NAMES:
        return True
    return " " not in name and re.search(rf"\b(?:la|le|l['’])\s*{re.escape(name)}\b", source, re.IGNORECASE) is not None
