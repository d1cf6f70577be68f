"""The transformers backend: encoder-decoder MT models (MarianMT, NLLB, M2M100, mBART-50) from a
local directory or the Hugging Face cache."""

from __future__ import annotations

import hashlib
import os
import socket
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlparse

from align.errors import DataError
from align.resources import cpu_threads

# Encoder-decoder MT models (transformers)

def _from_pretrained(loader, model: str):
    """Load from the local cache first, so that an offline run fails fast instead of retrying."""
    try:
        return loader.from_pretrained(model, local_files_only=True)
    except OSError:
        if Path(model).is_dir() or not _hub_reachable():
            raise
    return loader.from_pretrained(model)


def _hub_reachable() -> bool:
    """Whether the hub's host resolves: without network, downloads would only retry for a minute."""
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or "huggingface.co"
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True


def _load_pretrained(loaders: Sequence[Any], model: str) -> list[Any]:
    """``loaders`` (AutoTokenizer, AutoConfig, …) applied to a hub id or a local directory; a
    one-line DataError when the model is neither there nor downloadable."""
    from safetensors import SafetensorError  # corrupt weights (a transformers dependency)

    local = Path(model).expanduser()
    if model.startswith((".", "/", "~")) and not local.is_dir():
        raise DataError(f"translation model {model}: no such directory")
    try:
        return [_from_pretrained(loader, str(local) if local.is_dir() else model) for loader in loaders]
    except (OSError, ValueError, SafetensorError) as exc:
        if local.is_dir():
            raise DataError(f"translation model {model}: cannot be loaded ({exc})") from exc
        raise DataError(f"translation model {model}: not a local directory, and the hub id is "
                        "neither in the Hugging Face cache nor downloadable (offline?)") from exc


# (source, target) language codes, tried in order: NLLB, mBART-50, M2M100.
_LANGUAGE_CODES = (("fra_Latn", "eng_Latn"), ("fr_XX", "en_XX"), ("fr", "en"))


def _english_token(tokenizer) -> str | None:
    """For a many-language model, set the tokenizer's source language to French and return the
    English token that must start each output; None for a MarianMT model (one language pair)."""
    if type(tokenizer).__name__.startswith("Marian"):
        return None
    vocab = tokenizer.get_vocab()
    for source, target in _LANGUAGE_CODES:
        target_token = target if target in vocab else f"__{target}__"
        if target_token in vocab:
            tokenizer.src_lang = source
            return target_token
    raise DataError(f"{tokenizer.name_or_path}: no French/English language codes in its vocabulary")


def _config_identity(model: str, config) -> str:
    return f"{Path(model).name}:{hashlib.sha256(config.to_json_string(use_diff=False).encode()).hexdigest()[:16]}"


class _EncoderDecoderTranslator(ABC):
    """What the encoder-decoder backends share: a name known before the model is read, so a
    rerun answered from the cache never loads it, and the jobs: greedy drafts, then beam search
    with repetition limits for the retries of flagged drafts."""

    greedy: dict[str, Any] = {}
    retry: dict[str, Any] = {}

    def __init__(self, name: str, batch_size: int):
        self.name, self.batch_size = name, batch_size
        self.tokenizer: Any = None
        self.engine: Any = None

    def load(self) -> None:
        """Read the model; done at the first translation."""
        if self.tokenizer is None:
            self.tokenizer, self.engine = self._load()

    @abstractmethod
    def _load(self) -> tuple[Any, Any]:
        """(tokenizer, engine)"""

    @abstractmethod
    def _generate(self, sentences: Sequence[str], **options: Any) -> list[str]:
        """Drafts decoded with ``options`` (the model is loaded)."""

    def translate(self, sentences: Sequence[str]) -> list[str]:
        self.load()
        return self._generate(sentences, **self.greedy)

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        self.load()
        return [[text] for text in self._generate(sentences, **self.retry)]


class Seq2SeqTranslator(_EncoderDecoderTranslator):
    """MarianMT / NLLB / M2M100 / mBART-50 translation with batched generation."""

    retry = {"num_beams": 4, "no_repeat_ngram_size": 3, "repetition_penalty": 1.2}

    def __init__(self, model: str, n_threads: int = 0, batch_size: int = 16):
        from transformers import AutoConfig

        (config,) = _load_pretrained((AutoConfig,), model)
        super().__init__(f"transformers:{_config_identity(model, config)}:v1", batch_size)
        self.model, self.n_threads = model, n_threads
        self.forced: dict[str, int] = {}  # the English start token of a many-language model

    def _load(self) -> tuple[Any, Any]:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        torch.set_num_threads(self.n_threads or cpu_threads())
        tokenizer, engine = _load_pretrained((AutoTokenizer, AutoModelForSeq2SeqLM), self.model)
        engine.eval()
        english = _english_token(tokenizer)
        self.forced = {} if english is None else {"forced_bos_token_id": tokenizer.convert_tokens_to_ids(english)}
        return tokenizer, engine

    def _generate(self, sentences: Sequence[str], **options: Any) -> list[str]:
        import torch

        results = []
        for start in range(0, len(sentences), self.batch_size):
            batch = list(sentences[start : start + self.batch_size])
            inputs = self.tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=512)
            limit = int(inputs["input_ids"].shape[1] * 2 + 16)
            with torch.inference_mode():
                output = self.engine.generate(**inputs, max_new_tokens=limit, **self.forced, **options)
            results += self.tokenizer.batch_decode(output, skip_special_tokens=True)
        return [text.strip() for text in results]


