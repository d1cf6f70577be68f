"""Glossary terms marked in a pair's texts, for the HTML report and the review page.

The French side is matched as the glossary matches it (through inflection); the English sides
(reference and draft) are searched for the English of the terms that the pair's French holds,
so a term the translator did not use stays unmarked on the English side. The markup is built
from escaped pieces (:mod:`markupsafe`), so corpus text never becomes HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup, escape

from align.translate.glossary import Glossary, read_glossary

_MARK = Markup('<mark class="term" title="{}">{}</mark>')

Span = tuple[int, int, str]  # start, end, tooltip


def _marked(text: str, spans: list[Span]) -> Markup:
    parts, last = [], 0
    for start, end, title in sorted(spans):
        parts += [escape(text[last:start]), _MARK.format(title, text[start:end])]
        last = end
    return Markup("").join(parts) + text[last:]


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
        matches = self.glossary.find_english(text, terms)
        return _marked(text, [(m.start, m.end, f"glossary: {m.term.french}") for m in matches])


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
