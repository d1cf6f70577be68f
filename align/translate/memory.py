"""A translation memory: French→English pairs close to the text become few-shot examples.

A 270M base model copies the style and vocabulary of its examples, so examples close to the
text (by multilingual USE similarity) can beat fixed ones: +2 chrF on newstest2013 dev lines,
but less than 1 on the reported sets, at about 20 % lower speed, so the default translator
does not use one (eval/results/translate.md). The embedded memory (``translation_memory.tsv``)
holds WMT newstest2013 lines 1–1000, which no reported benchmark set contains; a user can
build one from any tab-separated file.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Sequence

import numpy as np

from align.embed import Embedder, get_embedder
from align.errors import DataError

EMBEDDED_MEMORY = Path(__file__).parent.parent / "translation_memory.tsv"


class TranslationMemory:
    """Pairs and their source embeddings; :meth:`covering` picks examples for a batch."""

    def __init__(self, pairs: Sequence[tuple[str, str]], embedder: Embedder):
        if not pairs:
            raise DataError("translation memory is empty")
        self.pairs = list(pairs)
        self.embedder = embedder

    @functools.cached_property
    def digest(self) -> str:
        """Identifies the pairs in cache keys: drafts change when the memory does."""
        text = "\n".join(f"{fr}\t{en}" for fr, en in self.pairs)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @functools.cached_property
    def _vectors(self) -> np.ndarray:
        return self.embedder.encode([fr for fr, _ in self.pairs])

    def covering(self, sentences: Sequence[str], m: int) -> list[tuple[str, str]]:
        """``m`` pairs that together best cover ``sentences`` (greedy facility location: each
        pick most raises the summed best similarity per sentence), most useful last. Shared by a
        batch, they sit in the prompt prefix that llama.cpp evaluates once for all sequences.
        Pairs whose source is one of ``sentences`` are skipped, so a score never rests on an
        answer the memory happens to hold."""
        if not sentences or m <= 0:
            return []
        scores = self.embedder.encode(list(sentences)) @ self._vectors.T
        batch = set(sentences)
        scores[:, [j for j, (fr, _) in enumerate(self.pairs) if fr in batch]] = -1.0
        best = np.full(len(sentences), -1.0, dtype=np.float32)
        chosen: list[int] = []
        for _ in range(min(m, len(self.pairs))):
            gains = np.maximum(scores, best[:, None]).sum(axis=0)
            gains[chosen] = -np.inf
            j = int(np.argmax(gains))
            chosen.append(j)
            best = np.maximum(best, scores[:, j])
        return [self.pairs[j] for j in reversed(chosen)]


def read_memory(path: Path) -> list[tuple[str, str]]:
    """``French<TAB>English`` lines; lines starting with ``#`` are comments."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"translation memory {path}: cannot be read ({exc})") from exc
    pairs = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not all(f.strip() for f in fields):
            raise DataError(f"translation memory {path}, line {number}: expected French<TAB>English")
        pairs.append((fields[0].strip(), fields[1].strip()))
    return pairs


@functools.lru_cache(maxsize=2)
def load_memory(path: Path = EMBEDDED_MEMORY) -> TranslationMemory:
    """The memory at ``path`` (default: the embedded one) with the USE embedder, once per process."""
    return TranslationMemory(read_memory(path), get_embedder("use"))
