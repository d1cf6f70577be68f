"""A user's glossary: French terms with the English each must become.

Terms are found in French through inflection (``troupes`` matches ``troupe``, ``nord-coréennes``
matches ``nord-coréen``): words are compared by a light stem, accents and case folded. The
glossary reaches the model in one of two ways (:data:`GLOSSARY_MODES`): ``prompt`` (the
default) shows the batch's terms as few-shot pairs, and a draft still without a term is retried
from a source with the terms in English; ``gloss`` puts them in English in every source
(``du haut représentant`` → ``du High Representative``) so that the model copies them, like the
acronyms of :func:`align.translate.prompts.prepare_source`. Measured on newstest2014 sentences
with mined terms (``eval/results/translate.md``, run 10): compliance 0.885 without the glossary,
0.962 glossed, 1.000 prompted, chrF +1.9 prompted and -0.1 glossed. A backend that takes no
examples (transformers, ctranslate2) always gets glossed sources. A draft that still lacks a
term's English is flagged ``term-missing:<English>``.

File formats: TSV (``French<TAB>English[<TAB>note]``, ``#`` comments) or TBX (read by
translate-toolkit). A line with another number of fields, or an empty term, is refused with its
line number. The same term twice with the same English is kept once; with different English
(after inflection: ``troupe`` and ``troupes`` are one term) the file is refused, naming both
lines, rather than letting one silently win.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from align.errors import DataError
from align.textio import decode_bytes
from align.translate.base import Retranslator, Translator
from align.translate.xmlguard import refuse_entities, refuse_entity_references

GLOSSARY_MODES = ("gloss", "prompt")
MISSING_FLAG = "term-missing"

# Words, split at hyphens and apostrophes (nord-coréennes → nord, coréennes; l'Union → l, Union).
_WORD_RE = re.compile(r"[^\W_]+")
# What may separate the words of one term in running text.
_JOINER_RE = re.compile(r"[\s\-‐‑'’]*")
# An elided article before a glossed term goes with it: "de l'Union européenne" → "de European Union".
_ELIDED_ARTICLE_RE = re.compile(r"(?:^|(?<=\s))[lL]['’]$")


_ACCENTS_RE = re.compile("[\u0300-\u036f]")  # combining diacritical marks, after NFD


@functools.lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    """Case and accents folded; cached, as a document and a large glossary repeat their words."""
    word = word.casefold()
    return word if word.isascii() else _ACCENTS_RE.sub("", unicodedata.normalize("NFD", word))


def french_stem(word: str) -> str:
    """A stem shared by the inflected forms of a French word: plural -s/-x and -aux, feminine -e,
    doubled final consonant (coréennes → coréen, internationaux → international)."""
    word = _fold(word)
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] in "nlt" and word[-2] == word[-1]:
        word = word[:-1]
    return word


def english_stem(word: str) -> str:
    """A stem shared by singular and plural (troops → troop, parties → party)."""
    word = _fold(word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Term:
    french: str
    english: str
    note: str = ""
    line: int = 0  # where it was read (0: not from a file)

    @functools.cached_property
    def french_key(self) -> tuple[str, ...]:
        return tuple(french_stem(w) for w in _WORD_RE.findall(self.french))

    @functools.cached_property
    def english_key(self) -> tuple[str, ...]:
        return tuple(english_stem(w) for w in _WORD_RE.findall(self.english))


@dataclass(frozen=True)
class TermMatch:
    term: Term
    start: int
    end: int


def _by_first_english_word(terms: Sequence[Term]) -> dict[str, list[Term]]:
    by_first: dict[str, list[Term]] = {}
    for term in sorted(terms, key=lambda t: -len(t.english_key)):
        by_first.setdefault(term.english_key[0], []).append(term)
    return by_first


class Glossary:
    """Terms, found in French text longest first, without overlaps."""

    def __init__(self, terms: Sequence[Term], name: str = "glossary"):
        self.terms = _merge(terms, name)
        self._by_first: dict[str, list[Term]] = {}
        for term in sorted(self.terms, key=lambda t: -len(t.french_key)):
            self._by_first.setdefault(term.french_key[0], []).append(term)
        self._by_first_english = _by_first_english_word(self.terms)

    @functools.cached_property
    def digest(self) -> str:
        """Identifies the terms in cache keys: drafts change when the glossary does."""
        text = "\n".join(f"{t.french}\t{t.english}" for t in self.terms)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @property
    def name(self) -> str:
        return f"glossary-{self.digest}"

    def find(self, text: str) -> list[TermMatch]:
        """The terms in French ``text`` with their character spans, in text order."""
        return self._spans(text, french_stem, self._by_first, lambda term: term.french_key)

    @staticmethod
    def _spans(text: str, stem: Callable[[str], str], by_first: dict[str, list[Term]],
               key_of: Callable[[Term], tuple[str, ...]]) -> list[TermMatch]:
        """Longest-first, non-overlapping matches of the terms' stem keys on the words of ``text``,
        whose words may be joined only by spaces, hyphens and apostrophes."""
        words = list(_WORD_RE.finditer(text))
        stems = [stem(w.group()) for w in words]
        found, i = [], 0
        while i < len(words):
            for term in by_first.get(stems[i], ()):
                n = len(key_of(term))
                if tuple(stems[i : i + n]) == key_of(term) and all(
                    _JOINER_RE.fullmatch(text, words[k].end(), words[k + 1].start()) for k in range(i, i + n - 1)
                ):
                    found.append(TermMatch(term, words[i].start(), words[i + n - 1].end()))
                    i += n
                    break
            else:
                i += 1
        return found

    def find_english(self, text: str, terms: Sequence[Term] | None = None) -> list[TermMatch]:
        """The English renderings of the terms (of ``terms`` only, when given: those of a pair's
        French) in English ``text``, for highlighting both sides of a pair."""
        by_first = self._by_first_english if terms is None else _by_first_english_word(terms)
        return self._spans(text, english_stem, by_first, lambda term: term.english_key)

    def missing(self, source: str, draft: str) -> tuple[str, ...]:
        """``term-missing:<English>`` for each term of ``source`` whose English is not in ``draft``."""
        draft_key = tuple(english_stem(w) for w in _WORD_RE.findall(draft))
        flags = []
        for match in self.find(source):
            key = match.term.english_key
            if not any(draft_key[i : i + len(key)] == key for i in range(len(draft_key) - len(key) + 1)):
                flags.append(f"{MISSING_FLAG}:{match.term.english}")
        return tuple(dict.fromkeys(flags))

    def gloss(self, text: str) -> str:
        """``text`` with each term replaced by its English (an elided article before it dropped)."""
        parts, last = [], 0
        for match in self.find(text):
            before = _ELIDED_ARTICLE_RE.sub("", text[last : match.start])
            parts += [before, match.term.english]
            last = match.end
        return "".join(parts) + text[last:]

    def examples(self, sentences: Sequence[str]) -> list[tuple[str, str]]:
        """The batch's terms as few-shot pairs (the ``prompt`` mode)."""
        terms = dict.fromkeys(m.term for s in sentences for m in self.find(s))
        return [(t.french, t.english) for t in terms]


class PromptedGlossary:
    """A glossary as an example source: its terms in the batch shown to the model."""

    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        self.name = f"{glossary.name}-prompt"

    def examples(self, sentences: Sequence[str]) -> list[tuple[str, str]]:
        return self.glossary.examples(sentences)


class GlossedTranslator:
    """Any translator, given sources with the glossary's terms already in English."""

    def __init__(self, inner: Translator, glossary: Glossary):
        self.inner, self.glossary = inner, glossary
        self.name = f"{inner.name}:{glossary.name}-gloss"

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return self.inner.translate([self.glossary.gloss(s) for s in sentences])

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        if not isinstance(self.inner, Retranslator):
            return [[] for _ in sentences]
        return self.inner.retranslate([self.glossary.gloss(s) for s in sentences])


def _merge(terms: Sequence[Term], name: str) -> tuple[Term, ...]:
    """Terms with duplicates dropped; a term given two English renderings is refused."""
    kept: dict[tuple[str, ...], Term] = {}
    for term in terms:
        if not term.french_key or not term.english_key:
            raise DataError(f"{name}, line {term.line}: a term without letters; give words on both sides")
        other = kept.get(term.french_key)
        if other is None:
            kept[term.french_key] = term
        elif _fold(other.english) != _fold(term.english):
            raise DataError(
                f"{name}, lines {other.line} and {term.line}: {term.french!r} is given as both "
                f"{other.english!r} and {term.english!r}; keep one"
            )
    if not kept:
        raise DataError(f"{name}: no terms; expected French<TAB>English[<TAB>note] lines or TBX entries")
    return tuple(kept.values())


def _read_tsv(path: Path, text: str) -> list[Term]:
    terms = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) not in (2, 3):
            raise DataError(f"glossary {path}, line {number}: expected French<TAB>English[<TAB>note], "
                            f"got {len(fields)} field(s) in {line.strip()[:60]!r}")
        if not fields[0] or not fields[1]:
            raise DataError(f"glossary {path}, line {number}: empty French or English term")
        terms.append(Term(fields[0], fields[1], fields[2] if len(fields) == 3 else "", number))
    return terms


def _read_tbx(path: Path, data: bytes) -> list[Term]:
    """French and English terms of each TBX entry (translate-toolkit); external entities are refused."""
    from translate.storage import tbx

    refuse_entities(data, str(path))
    refuse_entity_references(data, str(path))
    try:
        store = tbx.tbxfile.parsestring(data)
    except Exception as exc:  # translate-toolkit raises lxml's and its own errors alike
        raise DataError(f"{path}: not a TBX file ({exc})") from None
    terms = []
    for unit in store.units:
        by_language = _entry_terms(unit.xmlelement)
        french, english = _first_term(by_language, "fr"), _first_term(by_language, "en")
        if french and english:
            terms.append(Term(french, english, "", unit.xmlelement.sourceline or 0))
    return terms


def _entry_terms(entry) -> dict[str, list[str]]:
    """Terms of a TBX ``termEntry`` by primary language subtag (TBX 2 ``langSet``/``tig``/``term``)."""
    found: dict[str, list[str]] = {}
    for element in entry.iter():
        if not isinstance(element.tag, str) or not element.tag.endswith("langSet"):
            continue
        language = (element.get("{http://www.w3.org/XML/1998/namespace}lang") or element.get("lang") or "")
        words = [t.text.strip() for t in element.iter() if isinstance(t.tag, str) and t.tag.endswith("term") and t.text]
        found.setdefault(language.lower().split("-")[0].split("_")[0], []).extend(w for w in words if w)
    return found


def _first_term(by_language: dict[str, list[str]], language: str) -> str | None:
    terms = by_language.get(language)
    return terms[0] if terms else None


def read_glossary(path: str | Path) -> Glossary:
    """The glossary in ``path``: TBX by its suffix (``.tbx``), else TSV."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"glossary {path}: cannot be read ({exc.strerror or exc})") from exc
    if path.suffix.lower() == ".tbx":
        terms = _read_tbx(path, data)
    else:
        terms = _read_tsv(path, decode_bytes(data, str(path)).text)
    return Glossary(terms, f"glossary {path}")
