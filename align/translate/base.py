"""What every backend shares: the translator protocols, decodings, and how model files are named."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable


class Translator(Protocol):
    """Translates French sentences to English; ``name`` identifies it in cache keys."""

    name: str

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """One English string per sentence, same order."""
        ...


@runtime_checkable
class Retranslator(Protocol):
    """A translator that can offer alternative drafts when the first one is flagged."""

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        """Alternative candidates per sentence, from decodings other than ``translate``'s."""
        ...


class ExampleSource(Protocol):
    """French→English pairs to show a few-shot model beside a batch (glossary terms, memory
    matches); ``name`` goes into the translator's name, so drafts change when the source does."""

    name: str

    def examples(self, sentences: Sequence[str]) -> list[tuple[str, str]]:
        """Pairs for this batch, the most useful last (nearest the sentences)."""
        ...


@runtime_checkable
class ExampleTaker(Protocol):
    """A translator that can show a model examples: the few-shot gguf backend."""

    def with_examples(self, sources: Sequence[ExampleSource]) -> Translator:
        """A copy that adds the examples of ``sources`` to each batch's prompt."""
        ...


@dataclass(frozen=True)
class Decoding:
    """How to pick tokens: greedy (temperature 0) or sampled; optional anti-loop constraints."""

    temperature: float = 0.0
    block_repeated_ngram: int = 0  # forbid any token that would repeat an n-gram of this size
    min_length_ratio: float = 0.0  # no end of line before this share of the source's tokens
    seed: int = 0


GREEDY = Decoding()
# Retries for flagged drafts: a constrained greedy pass against loops and early stops, then a
# mildly sampled pass that can escape a wrong first token.
REPAIR_DECODINGS = (
    Decoding(block_repeated_ngram=3, min_length_ratio=0.6),
    Decoding(temperature=0.5, block_repeated_ngram=3, min_length_ratio=0.5, seed=1),
)



class Generator(Protocol):
    """Continues ``prefix + prompt`` for each prompt up to the end of the line, under one
    ``decoding`` for all prompts or one per prompt (repair runs its decodings in one batch)."""

    def complete_lines(self, prefix: str, prompts: Sequence[str],
                       decoding: Decoding | Sequence[Decoding]) -> list[str]: ...


def per_prompt(decoding: Decoding | Sequence[Decoding], n_prompts: int) -> list[Decoding]:
    """The decoding of each of ``n_prompts`` prompts: ``decoding`` for all, or one each."""
    if isinstance(decoding, Decoding):
        return [decoding] * n_prompts
    if len(decoding) != n_prompts:
        raise ValueError(f"{len(decoding)} decodings for {n_prompts} prompts")
    return list(decoding)



def model_file_id(path: Path) -> str:
    """Name plus size and the hash of the first MiB: identifies a model file without reading it all."""
    with path.open("rb") as fh:
        head = hashlib.sha256(fh.read(1 << 20)).hexdigest()[:16]
    return f"{path.name}:{path.stat().st_size}:{head}"




def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]

