"""Plain records passed between pipeline stages (JSONL rows on disk)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from align.errors import DataError


@dataclass(frozen=True)
class Segment:
    """A sentence with its character span ``[start, end)`` in the document's (extracted) text.

    ``block``, ``kind`` and ``locator`` say which block of the document it comes from and where
    that is in the original file (page, chapter, cue time …); a sentence that runs over several
    blocks (subtitle cues) names the first, and its locator lists them all.
    """

    id: int
    text: str
    start: int
    end: int
    block: int | None = None
    kind: str | None = None
    locator: dict | None = None

    @property
    def line(self) -> str:
        """The text on one line, internal whitespace collapsed (for line-based files and models)."""
        return " ".join(self.text.split())

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Draft:
    """A machine translation of one source sentence, with quality-check flags."""

    source: str
    text: str
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"source": self.source, "text": self.text, "flags": list(self.flags)}


# The aligner's default for the most sentences in one bead, both sides together: 6 allows 1-5
# and 5-1, which a translator's split of a long enumeration needs (Text+Berg dev strict F1 0.892
# at 5, 0.904 at 6, 0.902 at 7; eval/results/align.md).
DEFAULT_MAX_BEAD = 6

# Longer "sentences" are text without sentence ends (a file of another kind, or a list run
# together), not prose: segmenting refuses them, and so does translating (100,000 characters
# are some 300 pieces for the translator, minutes of CPU; embedding one takes longer still).
MAX_SENTENCE_CHARS = 100_000

# A bead scored below this is flagged low-confidence, listed in the run report and shown in red
# in review (a calibrated probability of being right, so below one half: more likely wrong).
LOW_CONFIDENCE_SCORE = 0.5


@dataclass(frozen=True)
class Bead:
    """One alignment unit: source sentence ids paired with target sentence ids.

    ``score`` is a confidence in [0, 1]; empty ``src`` or ``tgt`` means unaligned (0-1 / 1-0).
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 1.0
    flags: tuple[str, ...] = field(default=())

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"

    def to_vecalign(self) -> str:
        """Vecalign/Bertalign bead line, e.g. ``[0]:[0, 1]``."""
        return f"[{', '.join(map(str, self.src))}]:[{', '.join(map(str, self.tgt))}]"


@dataclass
class Pair:
    """One bead with its texts: the canonical corpus row (one JSONL line in ``pairs.jsonl``).

    Multi-sentence sides are joined with a space; ``draft`` is the joined drafts of the
    source sentences (None when no drafts were made); ``status`` is the review state;
    ``locator`` is the first source sentence's place in its document.
    """

    doc: str
    src_ids: list[int]
    tgt_ids: list[int]
    src: str
    tgt: str
    draft: str | None = None
    score: float = 1.0
    bead: str = "1-1"
    flags: list[str] = field(default_factory=list)
    status: str | None = None
    locator: dict | None = None  # where the source side is in its document (page, chapter, cue …)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, row: dict) -> "Pair":
        known = {k: row[k] for k in cls.__dataclass_fields__ if k in row}
        return cls(**known)


def locator_text(locator: dict | None) -> str | None:
    """A locator as one line of JSON, keys sorted (TSV, TMX and Parquet carry it as text)."""
    return None if locator is None else json.dumps(locator, ensure_ascii=False, sort_keys=True)


def locator_from_text(text: str | None, where: str) -> dict | None:
    """A locator read back from :func:`locator_text`; ``where`` names the place for an error."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise DataError(f"{where}: the locator is not a JSON object: {text[:60]!r}")
    return value
