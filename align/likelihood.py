"""Translation likelihood as a second alignment signal, for the decisions embeddings leave close.

A joined-run embedding cosine often cannot tell "this French sentence translates these two
English ones" from "it translates the first, and the second is missing": both runs are about
the same thing. A translation model can: the pointwise mutual information

    PMI(fr, en) = log P(en | "French: fr / English:") − log P(en | "English:")

says how much the French run makes the English run likelier, token by token. On 360 merge
decisions from the TransRead novels it separates right from wrong merges with ROC AUC 0.987,
against 0.982 for USE, and 0.994 combined (eval/results/align.md). It costs a forward pass per
candidate bead, so ``align.aligner.rescore_path`` asks for it only where the embedding search's best
reading of a short stretch of the path has a close rival.

Optionally each of those rival readings is also scored whole: its beads laid out as the prompt
lays out examples, the English alone scored. Every reading of a stretch holds the same English,
so these scores compare as they are; less part of the same layout's score without its French
(``Rescoring.stretch_baseline``) and added to the PMI, they lift strict F1 on the novels further
(eval/results/align.md), at about 2.6 times the PMI's cost.

``gguf_likelihood`` scores under any other GGUF model. ``--quality best``'s Qwen 1.5B
(``best_likelihood``) did not beat the embedded model as the rescoring scorer on a TransRead
novel (strict F1 0.954 against 0.964) at 7.1 times the CPU (eval/results/align.md, "The stronger
model"), so it stays a benchmark option.
"""

from __future__ import annotations

import functools
import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence

from align.cache import Cache, content_key
from align.errors import DataError

if TYPE_CHECKING:
    from align.translate import GgufModel

_CACHE_NAMESPACE = "log-likelihood-v1"
_STRETCH_NAMESPACE = "stretch-log-likelihood-v1"
# A pair longer than this (characters, both sides) gets no likelihood (PMI 0: the embeddings
# decide); far below what fits the model's context, and far above any real bead.
MAX_PAIR_CHARS = 6000


class TranslationLikelihood(Protocol):
    name: str

    def pmi(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """PMI(source run, target run) in nats for each pair."""
        ...

    def stretch_log_likelihoods(self, readings: Sequence[Sequence[tuple[str, str]]]) -> list[float]:
        """log P(all target text | the reading laid out bead by bead) in nats for each reading
        (its beads as (source run, target run), either side possibly empty); NaN where too long."""
        ...


class LikelihoodModel(Protocol):
    def log_likelihoods(self, prefix: str, items: Sequence[tuple[str, str]]) -> list[float]: ...

    def segment_log_likelihoods(self, prefix: str, items: Sequence[Sequence[tuple[str, bool]]]) -> list[float]: ...


@dataclass
class PromptedLikelihood:
    """PMI under a causal language model prompted as the translator is (a header, then a
    ``French: …`` line and ``English:``), with each log-likelihood cached by model and text.
    ``query`` makes the source line and the target label; ``target_label`` alone (``English:``)
    is the context of the target run's own likelihood."""

    name: str
    load: Callable[[], LikelihoodModel]
    cache: Cache
    header: str
    query: Callable[[str], str]
    target_label: str
    # what comes between a label and its target run, and after a target run before the next
    # bead's source line: the plain layout's " " and blank line; a chat template's own markers
    target_lead: str = " "
    bead_end: str = "\n\n"
    _model: LikelihoodModel | None = None

    def pmi(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        scored = [(src, tgt) for src, tgt in pairs if len(src) + len(tgt) <= MAX_PAIR_CHARS]
        conditional = [(self.query(src), self.target_lead + tgt) for src, tgt in scored]
        unconditional = [(self.target_label, self.target_lead + tgt) for _, tgt in scored]
        values = self._log_likelihoods(conditional + unconditional)
        pmi = {pair: values[c] - values[u] for pair, c, u in zip(scored, conditional, unconditional)}
        return [pmi.get(pair, 0.0) for pair in pairs]

    def span_pmi(self, spans: Sequence[tuple[str, str, int, int]]) -> list[float]:
        """For each (source, target, start, end): log P(target[start:end] | source, the target
        before it) − log P(target[start:end] | the target before it), in nats. A name the source
        says in other words scores high ("Law Society" after *Barreau*), one it never mentions
        near or below zero (align.fidelity). NaN for a pair too long to score."""
        items: list[tuple[tuple[str, str], tuple[str, str]] | None] = []
        for source, target, start, end in spans:
            if len(source) + len(target) > MAX_PAIR_CHARS:
                items.append(None)
                continue
            before = target[:start].rstrip()
            lead = self.target_lead + before if before else ""
            span = target[len(before):end] if before else self.target_lead + target[start:end]
            items.append(((self.query(source) + lead, span), (self.target_label + lead, span)))
        values = self._log_likelihoods([item for pair in items if pair for item in pair])
        return [values[pair[0]] - values[pair[1]] if pair else math.nan for pair in items]

    def stretch_log_likelihoods(self, readings: Sequence[Sequence[tuple[str, str]]]) -> list[float]:
        """Each reading laid out as the prompt lays out examples, a ``French: … / English: …``
        block a bead, scored on its English alone: every reading of one stretch holds the same
        English, so, unlike summed PMIs, their scores compare without an unconditional term."""
        layouts = {reading: self._layout(reading) for reading in map(tuple, readings)
                   if sum(len(src) + len(tgt) for src, tgt in reading) <= MAX_PAIR_CHARS}
        values = self._cached(_STRETCH_NAMESPACE, list(dict.fromkeys(layouts.values())),
                              lambda model, items: model.segment_log_likelihoods(self.header, items))
        return [values[layouts[reading]] if reading in layouts else math.nan for reading in map(tuple, readings)]

    def _layout(self, reading: Sequence[tuple[str, str]]) -> tuple[tuple[str, bool], ...]:
        """(text, scored) segments: the source lines and labels unscored, each target run scored."""
        segments: list[tuple[str, bool]] = []
        for src, tgt in reading:
            context = (self.bead_end if segments else "") + self.query(src)
            if segments and not segments[-1][1]:  # a bead without target: one unscored stretch
                segments[-1] = (segments[-1][0] + context, False)
            else:
                segments.append((context, False))
            if tgt:
                segments.append((self.target_lead + tgt, True))
        return tuple(segments)

    def _log_likelihoods(self, items: list[tuple[str, str]]) -> dict[tuple[str, str], float]:
        return self._cached(_CACHE_NAMESPACE, list(dict.fromkeys(items)),
                            lambda model, missing: model.log_likelihoods(self.header, missing))

    def _cached(self, namespace: str, items: list[Any], score: Callable[[LikelihoodModel, list[Any]], list[float]]) -> dict[Any, float]:
        """Each item's score from the cache, keyed by model, header and the item's texts, or from
        ``score`` on the model (loaded on first need) for those missing."""
        keys = {item: content_key(self.name, self.header, *_key_texts(item)) for item in items}
        found = self.cache.get_many(namespace, keys.values())
        values = {item: struct.unpack("<d", found[key])[0] for item, key in keys.items() if key in found}
        missing = [item for item in keys if item not in values]
        if missing:
            try:
                if self._model is None:
                    self._model = self.load()
                scores = score(self._model, missing)
            except (ValueError, RuntimeError, OSError) as exc:
                raise DataError(f"translation likelihood under {self.name}: {exc}") from exc
            values.update(zip(missing, scores))
            self.cache.put_many(namespace, {keys[i]: struct.pack("<d", s) for i, s in zip(missing, scores)})
        return values


def _key_texts(item: tuple) -> tuple[str, ...]:
    """A pair's two texts, or a layout's segments with their scored flags."""
    return tuple(part if isinstance(part, str) else f"{int(part[1])}{part[0]}" for part in item)


@functools.lru_cache(maxsize=1)
def _embedded_gguf() -> GgufModel:
    """The embedded model resolved once a process: its id hashes the model, adapter and token
    list, and ``run`` and ``batch`` make a likelihood per document."""
    from align.translate import resolve_gguf

    return resolve_gguf()


def _llama_cpp_model(resolved: GgufModel, special_tokens: bool = False) -> LikelihoodModel:
    from align.translate import LlamaCppGenerator

    generator = resolved.load(special_tokens=special_tokens)
    if not isinstance(generator, LlamaCppGenerator):
        raise DataError("translation-likelihood rescoring needs llama-cpp-python (bash scripts/setup)")
    return generator


@functools.lru_cache(maxsize=1)
def _embedded_model() -> LikelihoodModel:
    """The embedded model with its adapter, loaded once a process."""
    return _llama_cpp_model(_embedded_gguf())


@functools.lru_cache(maxsize=4)
def _gguf(path: str) -> GgufModel:
    from align.translate import resolve_gguf

    return resolve_gguf(path, adapter=None)


@functools.lru_cache(maxsize=2)
def _gguf_model(path: str, chat: bool) -> LikelihoodModel:
    """A model for :func:`gguf_likelihood`, loaded once a process per layout."""
    return _llama_cpp_model(_gguf(path), special_tokens=chat)


def gguf_likelihood(path: str | Path, cache: Cache | None = None, chat: bool | None = None) -> PromptedLikelihood:
    """French→English PMI under the GGUF model at ``path``, laid out as its drafts are: in its
    ChatML chat template when it has one (``chat``, by default read from the file), the English
    run as the assistant's reply and, for the run's own likelihood, a reply to no user turn;
    otherwise in the embedded scorer's ``French: … / English:`` lines after the five examples
    the translator gives a model without an adapter. No adapter, whole vocabulary."""
    from align.translate.prompts import CHAT_PROMPT, DEFAULT_PROMPT

    resolved = _gguf(str(path))
    chat = resolved.chat if chat is None else chat
    load = functools.partial(_gguf_model, str(path), chat)
    cache = cache if cache is not None else Cache.default()
    if chat:
        return PromptedLikelihood(resolved.model_id, load, cache, CHAT_PROMPT.prefix, CHAT_PROMPT.query,
                                  "<|im_start|>assistant\n", target_lead="", bead_end="<|im_end|>\n")
    return PromptedLikelihood(resolved.model_id, load, cache, DEFAULT_PROMPT.prefix, DEFAULT_PROMPT.query, "English:")


def best_likelihood(cache: Cache | None = None, chat: bool = False) -> PromptedLikelihood:
    """PMI under ``--quality best``'s Qwen2.5-Coder-1.5B-Instruct (``setup --best``), joined into
    the cache folder on first use (:func:`align.translate.packaged.assemble`). In the few-shot
    layout by default, not its chat template: on 16 merge decisions of a TransRead novel its PMI
    kept gold and false merges apart (AUC 1.000, widest false 7.1 nats below the narrowest gold
    16.5), the chat layout's did not (0.984; eval/results/align.md, "The stronger model")."""
    from align.translate.packaged import QWEN_1_5B, assemble

    return gguf_likelihood(assemble(QWEN_1_5B), cache, chat)


def embedded_likelihood(cache: Cache | None = None) -> PromptedLikelihood:
    """French→English PMI under the embedded Gemma 3 270M with the translator's adapter and
    prompt, through llama.cpp. (Another language pair through the base model and a prompt naming
    its languages did not help: Text+Berg de→fr test strict F1 0.927 → 0.925.)"""
    from align.translate import ADAPTED_PROMPT

    return PromptedLikelihood(
        _embedded_gguf().model_id, _embedded_model, cache if cache is not None else Cache.default(),
        ADAPTED_PROMPT.header, ADAPTED_PROMPT.query, "English:",
    )


def names_likelihood(cache: Cache | None = None) -> PromptedLikelihood | None:
    """:func:`embedded_likelihood` for the fidelity checks' added names (align.fidelity.NAME_PMI),
    or None without llama.cpp, where the checks go on without it."""
    try:
        import llama_cpp  # noqa: F401  (only probing that the engine is there)
    except ImportError:
        return None
    return embedded_likelihood(cache)


# English→French under the same model and adapter: the reverse-translation likelihood
# log P(French source | English draft) that align.translate.qe weighs candidate drafts with.
REVERSE_HEADER = "Translate English news sentences into French. Keep every name, number and detail.\n\n"


def embedded_reverse_likelihood(cache: Cache | None = None) -> PromptedLikelihood:
    """English→French PMI under the embedded model: ``pmi([(english, french)])`` is
    log P(french | "English: english / French:") − log P(french | "French:")."""
    return PromptedLikelihood(
        _embedded_gguf().model_id, _embedded_model, cache if cache is not None else Cache.default(),
        REVERSE_HEADER, lambda english: f"English: {english}\nFrench:", "French:",
    )
