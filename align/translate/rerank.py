"""Reranking: flagged drafts are retried with other decodings, and with a glossed source, and
the candidate with the least severe flags is kept (repair); and several translators' drafts of
every sentence are scored by a quality estimate (:mod:`.qe`) and the best kept (choice)."""

from __future__ import annotations

from typing import Callable, Sequence

from align.quality import NOT_RETRIED, check_draft, severity
from align.translate.base import ExampleSource, ExampleTaker, Retranslator, Translator
from align.translate.prompts import gloss_names
from align.translate.qe import QualityEstimator

Check = Callable[[str, str], tuple[str, ...]]


def _best_candidate(source: str, candidates: Sequence[str], check: Check = check_draft) -> str:
    """The candidate with the least severe flags; the earliest one wins ties."""
    return min(candidates, key=lambda text: severity(check(source, text)))


def _needs_repair(flags: tuple[str, ...]) -> bool:
    return any(flag.split(":", 1)[0] not in NOT_RETRIED for flag in flags)


# Flags that a source with its names (or glossary terms) already in English can mend.
_NAME_FLAGS = ("entity-added", "entity-missing", "term-missing")


def translate_and_repair(pieces: Sequence[str], translator: Translator, check: Check = check_draft,
                         gloss: Callable[[str], str] = gloss_names) -> list[str]:
    """Drafts of ``pieces``; those ``check`` flags (less :data:`~align.quality.NOT_RETRIED`)
    are retried with other decodings, and those whose names or terms still come out wrong once
    more from a source with them put into English by ``gloss`` (country names, and a
    glossary's terms when there is one)."""
    drafts = translator.translate(pieces)
    if len(drafts) != len(pieces):
        raise RuntimeError(f"{translator.name} returned {len(drafts)} drafts for {len(pieces)} sentences")
    flagged = [i for i, (src, text) in enumerate(zip(pieces, drafts)) if _needs_repair(check(src, text))]
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


class ChoosingTranslator:
    """Every sentence drafted by each of ``translators``; the draft ``estimator`` scores highest
    is kept, the earlier translator's on a tie. Repair (:func:`translate_and_repair`) then
    retries a flagged choice with the other decodings of every translator that has them."""

    def __init__(self, translators: Sequence[Translator], estimator: QualityEstimator):
        if not translators:
            raise ValueError("choosing needs at least one translator")
        self.translators = tuple(translators)
        self.estimator = estimator
        self.name = "choose[" + "|".join(t.name for t in self.translators) + "]:" + estimator.name

    def translate(self, sentences: Sequence[str]) -> list[str]:
        runs = [translator.translate(sentences) for translator in self.translators]
        candidates = [list(texts) for texts in zip(*runs, strict=True)]
        chosen = self.estimator.choose(sentences, candidates)
        return [texts[i] for texts, i in zip(candidates, chosen)]

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        alternatives: list[list[str]] = [[] for _ in sentences]
        for translator in self.translators:
            if isinstance(translator, Retranslator):
                for found, more in zip(alternatives, translator.retranslate(sentences)):
                    found += more
        return alternatives

    def with_examples(self, sources: Sequence[ExampleSource]) -> ChoosingTranslator:
        """The same choice among translators that each show ``sources``' examples where they can."""
        return ChoosingTranslator([t.with_examples(sources) if isinstance(t, ExampleTaker) else t
                                   for t in self.translators], self.estimator)
