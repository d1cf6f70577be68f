"""Sentences inside a document's blocks, and translated sentences back into blocks.

Block boundaries are hard sentence boundaries: each block is segmented on its own, and the
offsets are shifted into the document's text. A flowing document (subtitles) is segmented
whole, so a sentence that runs over several cues stays one segment that records every cue.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import Sequence

from align.documents import FORMATS, Block, Document, writer_for
from align.errors import DataError
from align.records import MAX_SENTENCE_CHARS, Segment
from align.segment import segment


def segment_document(document: Document, lang: str) -> list[Segment]:
    """The document's sentences, each with its block id, kind and locator; a "sentence" over
    :data:`MAX_SENTENCE_CHARS` is refused (text without sentence ends is not prose)."""
    segments = _segment_flowing(document, lang) if document.flowing else _segment_blocks(document, lang)
    for seg in segments:
        if len(seg.text) > MAX_SENTENCE_CHARS:
            raise DataError(f"{document.path}: sentence {seg.id + 1} has {len(seg.text):,} characters, over the "
                            f"limit of {MAX_SENTENCE_CHARS:,}; is this prose with sentence ends?")
    return segments


def _segment_blocks(document: Document, lang: str) -> list[Segment]:
    segments: list[Segment] = []
    for block in document.blocks:
        for piece in segment(block.text, lang):
            segments.append(
                Segment(len(segments), piece.text, block.start + piece.start, block.start + piece.end,
                        block.id, block.kind, block.locator)
            )
    return segments


def _segment_flowing(document: Document, lang: str) -> list[Segment]:
    starts = [block.start for block in document.blocks]
    segments = []
    for piece in segment(document.text, lang):
        first = max(bisect_right(starts, piece.start) - 1, 0)
        last = max(bisect_right(starts, piece.end - 1) - 1, first)
        covered = document.blocks[first:last + 1]
        segments.append(
            Segment(piece.id, piece.text, piece.start, piece.end, covered[0].id, covered[0].kind, _locator(covered))
        )
    return segments


def _locator(covered: Sequence[Block]) -> dict:
    if len(covered) == 1:
        return covered[0].locator
    return {**covered[0].locator, "until": covered[-1].locator, "blocks": [block.id for block in covered]}


def texts_by_block(document: Document, segments: Sequence[Segment], translations: Sequence[str]) -> dict[int, str]:
    """Each block's translated text: its sentences' translations joined by a space.

    A sentence over several blocks has its translation's words shared out over them in
    proportion to how much of the sentence each block holds, so every cue keeps some text.
    """
    pieces: dict[int, list[str]] = {block.id: [] for block in document.blocks}
    for seg, translation in zip(segments, translations, strict=True):
        blocks = (seg.locator or {}).get("blocks") or [seg.block]
        for block_id, words in zip(blocks, _share_words(translation, [_overlap(document.blocks[b], seg) for b in blocks])):
            if words:
                pieces[block_id].append(words)
    return {block_id: " ".join(parts) for block_id, parts in pieces.items()}


def _overlap(block: Block, seg: Segment) -> int:
    return max(min(block.end, seg.end) - max(block.start, seg.start), 0)


def _share_words(text: str, weights: Sequence[int]) -> list[str]:
    words = text.split()
    if len(weights) == 1:
        return [" ".join(words)]
    total = sum(weights) or len(weights)
    shares, taken, cumulative = [], 0, 0
    for weight in weights:
        cumulative += weight or (total / len(weights) if not sum(weights) else 0)
        upto = round(len(words) * cumulative / total)
        shares.append(" ".join(words[taken:upto]))
        taken = upto
    return shares


def check_writable(document: Document, out: str) -> None:
    """Refuse, before any translating, to write a document in a format that cannot be written."""
    if writer_for(document.format) is None:
        writable = ", ".join(fmt for fmt in FORMATS if writer_for(fmt) is not None)
        raise DataError(f"{out}: a translated {document.format} document cannot be written; "
                        f"--out writes {writable} (drop --out for the drafts as lines)")
    if Path(out).resolve() == Path(document.path).resolve():
        raise DataError(f"{out}: is the input document itself; give another path to --out")


def write_translation(document: Document, segments: Sequence[Segment], translations: Sequence[str], out: str) -> None:
    """Write the translated document in its own format; blocks left without a translation keep
    their source text, so the writer never leaves a hole."""
    check_writable(document, out)
    texts = texts_by_block(document, segments, translations)
    writer_for(document.format).write(document, {b.id: texts[b.id] or b.text for b in document.blocks}, out)
