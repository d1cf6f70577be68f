"""Quality checks on a French→English draft, so a reviewer knows which drafts not to trust.

Small machine-translation models fail in a few recognisable ways: they loop, stop early, leave
French untranslated, or add, drop and change content. The last are the fidelity checks of
:mod:`align.fidelity`, which serve any translation; this module adds the failures only a machine
makes. :func:`severity` ranks drafts so that a repaired draft replaces the first one only when
better. The thresholds were set so that human reference translations (WMT newstest2013) rarely
trip them.
"""

from __future__ import annotations

import re
from collections import Counter

from align.countries import COUNTRIES, Country, fold
from align.fidelity import check_translation, with_addition
from align.name_tables import ACRONYM_GLOSSARY
from align.quantities import missing_numbers, number_readings

__all__ = [
    "ACRONYM_GLOSSARY", "COUNTRIES", "Country", "check_draft", "severity", "missing_numbers", "number_readings",
]

# French/English function words: a draft with more French than English ones is untranslated.
_FRENCH_FUNCTION_WORDS = frozenset(
    """
    le la les de des du un une et est sont été être ont avait avoir que qui quoi dans pour pas sur à
    avec au aux ces cette cet ce il elle ils elles nous vous leur leurs son sa ses mon ma mes notre nos
    mais ou où donc car ni ne plus très aussi comme selon après avant depuis entre chez sans
    sous vers dont lors tout tous toute toutes peu déjà été fait faire dit selon alors encore
    """.split()
)
_ENGLISH_FUNCTION_WORDS = frozenset(
    """
    the of and to in is are was were be been has have had that which who what for not on with
    at by this these those it its he she they we you their his her our from as but or an a
    will would could should can may also more than after before since between without into
    """.split()
)

_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_REPEATED_SPAN_RE = re.compile(r"(\S.{1,40}?)\1{3,}")
_DANGLING_END_RE = re.compile(
    r"(?:[,;:(\-–—]|\b(?:the|a|an|of|and|or|to|in|with|for|by|from|that|which|on|at|as))\s*$",
    re.IGNORECASE,
)
_CLAUSE_RE = re.compile(r"[^,;:.!?]+")

# How much each flag kind weighs when choosing between candidate drafts.
_SEVERITY = {
    "empty": 100, "untranslated": 50, "looping": 40, "truncated": 20, "omission": 15, "addition": 15,
    "entity-added": 10, "relation-reversed": 10, "number-changed": 8, "negation-lost": 8, "entity-missing": 6,
}


def check_draft(source: str, draft: str) -> tuple[str, ...]:
    """Quality flags for ``draft`` as a translation of ``source`` (empty tuple: nothing seen)."""
    if not source.strip():
        return ()
    if not draft.strip():
        return ("empty",)
    flags: list[str] = []
    if _is_untranslated(source, draft):
        flags.append("untranslated")
    if _is_looping(source, draft):
        flags.append("looping")
    if _DANGLING_END_RE.search(draft) and not _DANGLING_END_RE.search(source):
        flags.append("truncated")
    flags += check_translation(source, draft)
    return with_addition(flags, invented_continuation(source, draft))


def severity(flags: tuple[str, ...]) -> int:
    """A score to minimise when picking among candidate drafts."""
    return sum(_SEVERITY.get(flag.split(":", 1)[0], 5) for flag in flags)


def _is_untranslated(source: str, draft: str) -> bool:
    words = [w.lower() for w in _WORD_RE.findall(draft)]
    if len(words) >= 4 and fold(draft.strip()) == fold(source.strip()):
        return True
    french = sum(w in _FRENCH_FUNCTION_WORDS for w in words)
    english = sum(w in _ENGLISH_FUNCTION_WORDS for w in words)
    return french >= 3 and french > english


def _clauses(text: str) -> list[str]:
    return [" ".join(fold(c).split()) for c in _CLAUSE_RE.findall(text) if c.strip()]


def _is_repetitive(text: str) -> bool:
    """Most of ``text``'s clauses are one clause repeated."""
    clauses = _clauses(text)
    return len(clauses) >= 3 and Counter(clauses).most_common(1)[0][1] * 5 >= len(clauses) * 3


def _is_looping(source: str, draft: str) -> bool:
    if _is_repetitive(source):
        return False  # repeating a repetitive source is faithful; see invented_continuation
    words = [w.lower() for w in _WORD_RE.findall(draft)]
    fourgrams = Counter(zip(words, words[1:], words[2:], words[3:]))
    if fourgrams and max(fourgrams.values()) >= 3:
        return True
    if any(words[i] == words[i + 1] == words[i + 2] for i in range(len(words) - 2)):
        return True
    span = _REPEATED_SPAN_RE.search(draft)
    return span is not None and span.group(0) not in source


def invented_continuation(source: str, draft: str) -> str | None:
    """Where the source repeats one clause, the first words of a draft clause of three words
    or more that is not that clause's rendering ("The Ministry of Defence said …"): a model
    that loops tends to break out into text of its own."""
    if not _is_repetitive(source):
        return None
    clauses = [c.strip() for c in _CLAUSE_RE.findall(draft) if len(c.split()) >= 3]
    if not clauses:
        return None
    unit = Counter(_clauses(draft)).most_common(1)[0][0]
    for clause in clauses:
        if " ".join(fold(clause).split()) != unit:
            return " ".join(clause.split()[:6])
    return None
