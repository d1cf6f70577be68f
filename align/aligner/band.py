"""The cells the search may visit: a band around a path, so time and memory grow linearly with
document length instead of with the product of both lengths."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Band:
    """Allowed columns ``[lo[i], hi[i])`` of each DP row i, stored flat row after row."""

    lo: np.ndarray
    hi: np.ndarray

    def __post_init__(self) -> None:
        self.offsets = np.concatenate([[0], np.cumsum(self.hi - self.lo)]).astype(np.int64)
        self.rows = np.repeat(np.arange(len(self.lo)), self.hi - self.lo)
        self.cols = np.arange(self.offsets[-1]) - np.repeat(self.offsets[:-1] - self.lo, self.hi - self.lo)

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    @classmethod
    def full(cls, n: int, m: int) -> "Band":
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64))

    @classmethod
    def around(cls, path: list[tuple[int, int]], n: int, m: int, radius: int) -> "Band":
        """Cells within ``radius`` rows and columns of a monotone path of (i, j) boundaries."""
        lo = np.full(n + 1, m + 1, dtype=np.int64)
        hi = np.zeros(n + 1, dtype=np.int64)
        for (i0, j0), (i1, j1) in zip(path, path[1:]):
            lo[i0 : i1 + 1] = np.minimum(lo[i0 : i1 + 1], j0)
            hi[i0 : i1 + 1] = np.maximum(hi[i0 : i1 + 1], j1 + 1)
        window = np.lib.stride_tricks.sliding_window_view
        lo = window(np.pad(lo, radius, mode="edge"), 2 * radius + 1).min(axis=1) - radius
        hi = window(np.pad(hi, radius, mode="edge"), 2 * radius + 1).max(axis=1) + radius
        return cls(np.clip(lo, 0, m), np.clip(hi, 1, m + 1))

    def cell(self, i: int, j: int) -> int:
        """Flat index of the in-band cell (i, j)."""
        return int(self.offsets[i] + j - self.lo[i])

    def index(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Flat index of cells (rows, cols), or ``size`` (a sentinel) where outside the band."""
        safe_rows = np.clip(rows, 0, len(self.lo) - 1)
        inside = (rows >= 0) & (cols >= self.lo[safe_rows]) & (cols < self.hi[safe_rows])
        return np.where(inside, self.offsets[safe_rows] + cols - self.lo[safe_rows], self.size).astype(np.int32)
