"""Repair by reranking: flagged drafts are retried with other decodings, and with a glossed
source, and the candidate with the least severe flags is kept."""

from __future__ import annotations

from typing import Callable, Sequence

from align.quality import check_draft, severity
from align.translate.base import Retranslator, Translator
from align.translate.prompts import gloss_names

Check = Callable[[str, str], tuple[str, ...]]


def _best_candidate(source: str, candidates: Sequence[str], check: Check = check_draft) -> str:
    """The candidate with the least severe flags; the earliest one wins ties."""
    return min(candidates, key=lambda text: severity(check(source, text)))


# Flags that a source with its names (or glossary terms) already in English can mend.
_NAME_FLAGS = ("entity-added", "entity-missing", "term-missing")


def translate_and_repair(pieces: Sequence[str], translator: Translator, check: Check = check_draft,
                         gloss: Callable[[str], str] = gloss_names) -> list[str]:
    """Drafts of ``pieces``; those ``check`` flags are retried with other decodings, and those
    whose names or terms still come out wrong once more from a source with them put into
    English by ``gloss`` (country names, and a glossary's terms when there is one)."""
    drafts = translator.translate(pieces)
    if len(drafts) != len(pieces):
        raise RuntimeError(f"{translator.name} returned {len(drafts)} drafts for {len(pieces)} sentences")
    flagged = [i for i, (src, text) in enumerate(zip(pieces, drafts)) if check(src, text)]
    if flagged and isinstance(translator, Retranslator):
        alternatives = translator.retranslate([pieces[i] for i in flagged])
        for i, candidates in zip(flagged, alternatives):
            drafts[i] = _best_candidate(pieces[i], [drafts[i], *candidates], check)
    glossed = {i: gloss(pieces[i]) for i in flagged}
    wrong_names = [
        i for i in flagged
        if glossed[i] != pieces[i] and any(f.startswith(_NAME_FLAGS) for f in check(pieces[i], drafts[i]))
    ]
    if wrong_names:
        retried = translator.translate([glossed[i] for i in wrong_names])
        for i, text in zip(wrong_names, retried):
            drafts[i] = _best_candidate(pieces[i], [drafts[i], text], check)
    return drafts


