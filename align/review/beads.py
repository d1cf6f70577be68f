"""Beads under review and the pure operations that reshape them (merge, split, move, …).

A bead keeps its sentences one by one with their original ids, so that whatever a reviewer
does to its boundaries, the result can still be written over the corpus's sentence ids.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from align.records import Pair

STATUSES = ("accepted", "rejected")
# Gap between neighbouring beads' positions, so a split can slot a bead in without renumbering.
SEQ_STEP = 1024.0

# A sentence end: terminal punctuation, closing quotes/brackets, then the space to split at,
# unless a lowercase letter follows (an abbreviation such as "M. le ministre").
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s*[»”\"’)\]])*(\s+)(?![a-zà-ÿ])")


class Refused(Exception):
    """A change that makes no sense for this bead (HTTP 400); the message says why."""


class Conflict(Exception):
    """A change based on a version of a bead that is no longer current (HTTP 409)."""


@dataclass
class Sentence:
    """One sentence of a bead side; ``ids`` has several ids only when the joined text could
    not be split back into its sentences. ``draft`` and ``locator`` (where it is in its
    document: page, chapter, cue time …) are set on source sentences only, so that they travel
    with the sentence through merges, splits and moves."""

    ids: list[int]
    text: str
    draft: str | None = None
    locator: dict | None = None


@dataclass
class ReviewBead:
    """A pair as the reviewer sees and reshapes it: sentences per side, review state, version.
    ``reviewer`` is who last changed or decided it (None: nobody has reviewed it yet)."""

    id: int
    seq: float
    doc: str
    src: list[Sentence]
    tgt: list[Sentence]
    score: float
    flags: list[str]
    status: str | None = None
    live: bool = True
    version: int = 0
    reviewer: str | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"

    @property
    def src_ids(self) -> list[int]:
        return [i for s in self.src for i in s.ids]

    @property
    def tgt_ids(self) -> list[int]:
        return [i for s in self.tgt for i in s.ids]

    @property
    def locator(self) -> dict | None:
        """Where the bead's first French sentence is in its document (as a corpus row's)."""
        return self.src[0].locator if self.src else None

    @property
    def link(self) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
        """The bead's boundaries: which sentences it pairs, whatever their text."""
        return self.doc, tuple(self.src_ids), tuple(self.tgt_ids)

    def state(self) -> dict:
        """Everything a change can alter (what history stores and undo restores)."""
        row = asdict(self)
        del row["id"], row["version"]
        return row

    def to_pair(self) -> Pair:
        drafts = [s.draft for s in self.src if s.draft is not None]
        return Pair(
            doc=self.doc,
            src_ids=self.src_ids,
            tgt_ids=self.tgt_ids,
            src=" ".join(s.text for s in self.src),
            tgt=" ".join(s.text for s in self.tgt),
            draft=" ".join(drafts) if drafts else None,
            score=self.score,
            bead=self.kind,
            flags=list(self.flags),
            status=self.status,
            locator=self.locator,
        )

    @classmethod
    def from_state(cls, id: int, version: int, state: dict) -> "ReviewBead":
        sides = {side: [Sentence(**s) for s in state[side]] for side in ("src", "tgt")}
        return cls(id=id, version=version, **{**state, **sides})


def split_sentences(text: str, count: int) -> list[str] | None:
    """``text`` cut into exactly ``count`` sentences, or None when its sentence ends are
    ambiguous (more or fewer than ``count``); a guess that might pair wrong is never made."""
    ends = [m.span(1) for m in _SENTENCE_END.finditer(text)]
    if len(ends) != count - 1:
        return None
    bounds = [0, *(i for span in ends for i in span), len(text)]
    return [text[bounds[i] : bounds[i + 1]].strip() for i in range(0, len(bounds), 2)]


def _side(text: str, ids: list[int], known: dict[int, str], locators: dict[int, dict] | None = None) -> list[Sentence]:
    """Sentences of one side: from the run's segment files when they agree with the joined
    text, else by splitting at sentence ends, else one unsplittable sentence."""
    locators = locators or {}
    if not ids:
        return [Sentence([], text)] if text.strip() else []
    texts = [known[i] for i in ids] if all(i in known for i in ids) else None
    if texts is None or " ".join(texts) != text:
        texts = split_sentences(text, len(ids))
    if texts is None:
        return [Sentence(list(ids), text, locator=locators.get(ids[0]))]
    return [Sentence([i], t, locator=locators.get(i)) for i, t in zip(ids, texts, strict=True)]


def _attach_drafts(src: list[Sentence], draft: str | None, known: dict[int, str]) -> list[Sentence]:
    """Give each source sentence its draft; when the draft cannot be cut the same way, the
    source side becomes one sentence so that no draft text is lost or misplaced."""
    if draft is None or not src:
        return src
    ids = [i for s in src for i in s.ids]
    drafts = [" ".join(known[i] for i in s.ids) for s in src] if all(i in known for i in ids) else None
    if drafts is None or " ".join(drafts) != draft:
        drafts = split_sentences(draft, len(src))
    if drafts is None:
        return [Sentence(ids, " ".join(s.text for s in src), draft, src[0].locator)]
    return [replace(s, draft=d) for s, d in zip(src, drafts, strict=True)]


@dataclass
class RunSentences:
    """What a run directory keeps beside pairs.jsonl: sentence texts by id for "fr", "en" and
    "draft", and where each French sentence is in its document."""

    texts: dict[str, dict[int, str]] = field(default_factory=dict)
    locators: dict[int, dict] = field(default_factory=dict)


def beads_from_pairs(pairs: list[Pair], known: RunSentences) -> list[ReviewBead]:
    """Review beads in corpus order; a pair's locator is its first French sentence's."""
    beads = []
    for n, pair in enumerate(pairs):
        src = _side(pair.src, pair.src_ids, known.texts.get("fr", {}), known.locators)
        if src and pair.locator is not None:
            src[0] = replace(src[0], locator=pair.locator)
        beads.append(
            ReviewBead(
                id=n + 1,
                seq=(n + 1) * SEQ_STEP,
                doc=pair.doc,
                src=_attach_drafts(src, pair.draft, known.texts.get("draft", {})),
                tgt=_side(pair.tgt, pair.tgt_ids, known.texts.get("en", {})),
                score=pair.score,
                flags=list(pair.flags),
                status=pair.status,
            )
        )
    return beads


def run_sentences(run_dir: Path) -> RunSentences:
    """Per-sentence texts and French locators a run directory keeps (segments and drafts)."""
    files = {"fr": "segments.fr.jsonl", "en": "segments.en.jsonl", "draft": "drafts.jsonl"}
    known = RunSentences()
    for key, name in files.items():
        path = run_dir / name
        if not path.is_file():
            continue
        try:
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            known.texts[key] = {row["id"]: " ".join(row["text"].split()) for row in rows}
            if key == "fr":
                known.locators = {row["id"]: row["locator"] for row in rows if isinstance(row.get("locator"), dict)}
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # only a hint: without it, sentences are found in the joined text
    return known


# ---------------------------------------------------------------------------------------------
# Bead operations: pure functions from current beads to changed beads


def _union(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(x for xs in lists for x in xs))


def merge(bead: ReviewBead, following: ReviewBead) -> list[ReviewBead]:
    merged = replace(
        bead,
        src=bead.src + following.src,
        tgt=bead.tgt + following.tgt,
        score=min(bead.score, following.score),
        flags=_union(bead.flags, following.flags),
        status=None,
    )
    return [merged, replace(following, live=False)]


def split(bead: ReviewBead, new_id: int, new_seq: float) -> list[ReviewBead]:
    """Cut after the first sentence of each side (repeat to cut further)."""
    if len(bead.src) < 2 and len(bead.tgt) < 2:
        raise Refused(f"#{bead.id} has one sentence per side: nothing to split (mark a sentence unaligned instead)")
    first = replace(bead, src=bead.src[:1], tgt=bead.tgt[:1], status=None)
    rest = replace(bead, id=new_id, seq=new_seq, src=bead.src[1:], tgt=bead.tgt[1:], status=None, version=0)
    return [first, rest]


def move(bead: ReviewBead, side: str, neighbour: ReviewBead, to_previous: bool) -> list[ReviewBead]:
    """Move the first sentence of ``side`` to the end of the previous bead, or the last one
    to the start of the next bead; a bead left empty disappears."""
    sentences = getattr(bead, side)
    if not sentences:
        raise Refused(f"#{bead.id} has no sentence on that side to move")
    moved, kept = (sentences[0], sentences[1:]) if to_previous else (sentences[-1], sentences[:-1])
    theirs = getattr(neighbour, side)
    theirs = theirs + [moved] if to_previous else [moved] + theirs
    left = replace(bead, **{side: kept}, status=None)
    left.live = bool(left.src or left.tgt)
    return [left, replace(neighbour, **{side: theirs}, status=None)]


def unalign(bead: ReviewBead, side: str, first: bool, new_id: int, new_seq: float) -> list[ReviewBead]:
    """Detach the first (or last) sentence of ``side`` into a bead of its own (1-0 or 0-1)."""
    sentences = getattr(bead, side)
    other = bead.tgt if side == "src" else bead.src
    if not sentences:
        raise Refused(f"#{bead.id} has no sentence on that side")
    if len(sentences) == 1 and not other:
        raise Refused(f"#{bead.id} is already unaligned")
    detached, kept = (sentences[0], sentences[1:]) if first else (sentences[-1], sentences[:-1])
    sides: dict[str, list[Sentence]] = {"src": [], "tgt": [], side: [detached]}
    alone = replace(bead, id=new_id, seq=new_seq, src=sides["src"], tgt=sides["tgt"], status=None, version=0)
    return [replace(bead, **{side: kept}, status=None), alone]


def edit(bead: ReviewBead, field_name: str, text: str) -> list[ReviewBead]:
    """Replace the English reference (``tgt``) or the draft; one line per sentence."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if not lines:
        raise Refused("Empty text: to take a sentence out of a pair, mark it unaligned")
    if field_name == "tgt":
        if len(lines) == len(bead.tgt):
            tgt = [replace(s, text=t) for s, t in zip(bead.tgt, lines, strict=True)]
        else:
            tgt = [Sentence([i for s in bead.tgt for i in s.ids], " ".join(lines))]
        return [replace(bead, tgt=tgt)]
    if not bead.src:
        raise Refused(f"#{bead.id} has no French sentence to draft from")
    if len(bead.src) == 1:
        lines = [" ".join(lines)]
    if len(lines) != len(bead.src):
        raise Refused(f"Give one draft line per French sentence ({len(bead.src)} lines, got {len(lines)})")
    return [replace(bead, src=[replace(s, draft=d) for s, d in zip(bead.src, lines, strict=True)])]
