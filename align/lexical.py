"""Lexical anchors: tokens that cross languages unchanged, as hashed count vectors.

Numbers, acronyms, capitalised names and telling punctuation (question and exclamation marks,
quotes, parentheses) usually survive translation as they are, so two sentences sharing them are
likely to correspond whatever the languages. Counts are hashed into a fixed number of buckets
so the aligner can compare runs of sentences with a matrix product.
"""

from __future__ import annotations

import re
import zlib
from typing import Sequence

import numpy as np

ANCHOR_BUCKETS = 128

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_PUNCTUATION = {"?": "?", "!": "!", "(": "(", "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', '"': '"'}


def anchors(text: str) -> list[str]:
    """Anchor tokens of ``text``: digits without separators, acronyms, names, punctuation."""
    found = [re.sub(r"\D", "", number) for number in _NUMBER.findall(text)]
    for position, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        if len(word) >= 2 and word.isupper():
            found.append(word)
        elif position > 0 and len(word) >= 3 and word[0].isupper():
            found.append(word.lower())
    found.extend(_PUNCTUATION[char] for char in text if char in _PUNCTUATION)
    return found


def anchor_counts(texts: Sequence[str], buckets: int = ANCHOR_BUCKETS) -> np.ndarray:
    """(len(texts), buckets) float32 anchor counts, one row per text."""
    counts = np.zeros((len(texts), buckets), dtype=np.float32)
    for row, text in enumerate(texts):
        for token in anchors(text):
            counts[row, zlib.crc32(token.encode("utf-8")) % buckets] += 1
    return counts
