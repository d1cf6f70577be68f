"""Glossary terms marked in a pair's texts, for the HTML report and the review page.

The French side is matched as the glossary matches it (through inflection); the English sides
(reference and draft) are searched for the English of the terms that the pair's French holds,
so a term the translator did not use stays unmarked on the English side. The markup is built
from escaped pieces (:mod:`markupsafe`), so corpus text never becomes HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markupsafe import Markup, escape

from align.translate.glossary import Glossary, Term, english_stem, read_glossary

# Words and what may join a term's words, as the glossary splits them (its English keys are
# compared word by word).
_WORD_RE = re.compile(r"[^\W_]+")
_JOINER_RE = re.compile(r"[\s\-‐‑'’]*")
_MARK = Markup('<mark class="term" title="{}">{}</mark>')

Span = tuple[int, int, str]  # start, end, tooltip


def _marked(text: str, spans: list[Span]) -> Markup:
    parts, last = [], 0
    for start, end, title in sorted(spans):
        parts += [escape(text[last:start]), _MARK.format(title, text[start:end])]
        last = end
    return Markup("").join(parts) + text[last:]


def _english_spans(text: str, terms: list[Term]) -> list[Span]:
    """Where the English of ``terms`` occurs in ``text``, longest terms first, no overlaps."""
    words = list(_WORD_RE.finditer(text))
    stems = [english_stem(w.group()) for w in words]
    taken = [False] * len(words)
    spans = []
    for term in sorted(terms, key=lambda t: -len(t.english_key)):
        n = len(term.english_key)
        for i in range(len(words) - n + 1):
            if (
                tuple(stems[i : i + n]) == term.english_key
                and not any(taken[i : i + n])
                and all(_JOINER_RE.fullmatch(text, words[k].end(), words[k + 1].start()) for k in range(i, i + n - 1))
            ):
                taken[i : i + n] = [True] * n
                spans.append((words[i].start(), words[i + n - 1].end(), f"glossary: {term.french}"))
    return spans


class TermMarks:
    """Marks a glossary's terms with ``<mark>``; without a glossary, only escapes."""

    def __init__(self, glossary: Glossary | None = None):
        self.glossary = glossary

    def french(self, text: str) -> Markup:
        if self.glossary is None:
            return escape(text)
        found = self.glossary.find(text)
        return _marked(text, [(m.start, m.end, f"glossary: {m.term.english}") for m in found])

    def english(self, text: str | None, french: str) -> Markup:
        """``text`` with the English of the terms in ``french`` (its pair's source) marked."""
        if self.glossary is None or not text:
            return escape(text or "")
        terms = list(dict.fromkeys(m.term for m in self.glossary.find(french)))
        return _marked(text, _english_spans(text, terms))


def run_glossary(run_dir: Path) -> Path | None:
    """The glossary ``align run --glossary`` recorded in the run's report.json, if still there."""
    summary = run_dir / "report.json"
    try:
        recorded = json.loads(summary.read_text(encoding="utf-8")).get("glossary")
    except (OSError, ValueError, AttributeError):
        return None
    return Path(recorded) if isinstance(recorded, str) and Path(recorded).is_file() else None


def term_marks(glossary: Path | None, run_dir: Path | None = None) -> TermMarks:
    """Marks for the glossary file given, else the one a run directory recorded, else none."""
    path = glossary or (run_glossary(run_dir) if run_dir is not None else None)
    return TermMarks(read_glossary(path) if path is not None else None)
