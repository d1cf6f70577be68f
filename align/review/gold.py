"""What a review becomes: the accepted pairs as a corpus, and the settled alignment as gold.

The gold is written as Vecalign/Bertalign bead lines over the corpus's original sentence ids,
with every merge, split and move applied, so ``align evaluate alignment --gold`` can score any
aligner against the team's work. An accepted bead is a gold bead as it stands; a rejected one
says its sentences are not translations of each other, so each of them is written left out
(``[3]:[]``, ``[]:[3]``), one bead per sentence as Vecalign's golds do.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from align.errors import DataError
from align.formats import format_beads, write_corpus
from align.records import Bead
from align.review.agreement import DoubleReview, Region
from align.review.beads import ReviewBead
from align.review.store import ReviewStore
from align.textio import write_text_atomic

CORPUS_FORMATS = ("tmx", "tsv", "jsonl")
EXPORT_FORMATS = (*CORPUS_FORMATS, "gold")
GOLD_SUFFIX = ".gold"


@dataclass
class Settled:
    """The beads a review has settled, in document order, and what it has not settled yet."""

    beads: list[ReviewBead]
    unsettled: list[str]


def settled(store: ReviewStore, include_unreviewed: bool = False) -> Settled:
    """A shared review's decided beads (all beads with ``include_unreviewed``); in double
    review, the beads both reviewers left alike and those the adjudicator chose."""
    if store.double:
        if include_unreviewed:
            raise DataError(f"{store.path}: in double review only settled beads make the gold; settle the rest first")
        items = DoubleReview(store).settled()
        return Settled(
            [item for item in items if isinstance(item, ReviewBead)],
            [_describe(item) for item in items if isinstance(item, Region)],
        )
    beads = store.beads()
    if include_unreviewed:
        return Settled(beads, [])
    return Settled(
        [bead for bead in beads if bead.status is not None], [f"#{bead.id}" for bead in beads if bead.status is None]
    )


def _describe(region: Region) -> str:
    return f"{region.doc} #" + "/".join(str(bead.id) for bead in region.first)


def gold_beads(beads: list[ReviewBead]) -> dict[str, list[Bead]]:
    """Gold beads per document from settled beads (see the module's docstring)."""
    documents: dict[str, list[Bead]] = {}
    for bead in beads:
        gold = documents.setdefault(bead.doc, [])
        if bead.status == "rejected":
            gold += [Bead((i,), ()) for i in bead.src_ids] + [Bead((), (i,)) for i in bead.tgt_ids]
        elif bead.src_ids or bead.tgt_ids:
            gold.append(Bead(tuple(bead.src_ids), tuple(bead.tgt_ids)))
    return documents


def _gold_name(doc: str) -> str:
    return (re.sub(r"[^\w.-]+", "_", doc).strip("._") or "document") + GOLD_SUFFIX


def write_gold(store: ReviewStore, out: Path, include_unreviewed: bool = False) -> list[Path]:
    """The settled alignment as bead lines: ``out`` for a one-document corpus, else one
    ``DOC.gold`` per document in the folder ``out``. Refused while anything is unsettled."""
    documents = gold_beads(_all_settled(store, include_unreviewed))
    if len(documents) == 1:
        write_text_atomic(out, format_beads(next(iter(documents.values()))))
        return [out]
    if out.is_file():
        raise DataError(f"{out}: the corpus has {len(documents)} documents; give a folder for one .gold file each")
    written = [out / _gold_name(doc) for doc in documents]
    for path, beads in zip(written, documents.values()):
        write_text_atomic(path, format_beads(beads))
    return written


def gold_download(store: ReviewStore) -> tuple[str, bytes]:
    """(file name, content) of the gold for the page: bead lines, or a zip of one file per document."""
    documents = gold_beads(_all_settled(store, False))
    if len(documents) == 1:
        return f"{store.corpus.stem}{GOLD_SUFFIX}", format_beads(next(iter(documents.values()))).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for doc, beads in documents.items():
            archive.writestr(_gold_name(doc), format_beads(beads))
    return f"{store.corpus.stem}.gold.zip", buffer.getvalue()


def _all_settled(store: ReviewStore, include_unreviewed: bool) -> list[ReviewBead]:
    result = settled(store, include_unreviewed)
    if result.unsettled:
        shown = ", ".join(result.unsettled[:8]) + (" …" if len(result.unsettled) > 8 else "")
        raise DataError(
            f"{store.path}: {len(result.unsettled)} pairs are not settled yet ({shown}); "
            "a gold needs every pair accepted or rejected"
            + (", and every disagreement settled" if store.double else " (or pass --include-unreviewed)")
        )
    return result.beads


def export_accepted(beads: list[ReviewBead], out: Path, fmt: str) -> list[Path]:
    """Write the accepted pairs, in document order, with ``status`` set; returns the files."""
    pairs = [bead.to_pair() for bead in beads if bead.status == "accepted"]
    if not pairs:
        raise DataError("No accepted pairs to export yet")
    return write_corpus(pairs, out, fmt)


def export(store: ReviewStore, out: Path, fmt: str, include_unreviewed: bool = False) -> list[Path]:
    """``align review CORPUS export``: the settled review as gold or as a corpus of accepted pairs."""
    if fmt == "gold":
        return write_gold(store, out, include_unreviewed)
    return export_accepted(settled(store).beads, out, fmt)

