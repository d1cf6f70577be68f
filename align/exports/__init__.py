"""Corpus exports for the tools reviewers, clients and CAT tools open.

``formats`` moves corpora between aligners and MT pipelines (JSONL, TSV, TMX, Moses) and reads
them back; the formats here are one-way, each a module with ``write(pairs, path, options)``:
an XLSX sheet to review in Excel or LibreOffice, a two-column bilingual DOCX to send to a
client, XLIFF 1.2 for CAT tools (targets unconfirmed), and SRT/WebVTT subtitles with the
source's cue timings.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from align.errors import DataError
from align.formats import CORPUS_FORMATS, write_corpus
from align.records import Pair

EXPORT_FORMATS = ("xlsx", "docx", "xliff", "srt", "vtt")
TARGET_CHOICES = ("reference", "draft")


@dataclass(frozen=True)
class ExportOptions:
    src_lang: str = "fr-FR"
    tgt_lang: str = "en-GB"
    targets: str = "reference"  # which English a one-translation format carries: reference or draft


def target_text(pair: Pair, targets: str) -> str:
    """The English a pair exports with: its reference, or its draft (each falls back to the other)."""
    first, second = (pair.tgt, pair.draft) if targets == "reference" else (pair.draft, pair.tgt)
    return first or second or ""


def export_corpus(pairs: Sequence[Pair], out: str | Path, fmt: str, options: ExportOptions = ExportOptions()) -> list[Path]:
    """Write ``pairs`` as ``fmt``; returns the files written."""
    if fmt in CORPUS_FORMATS:
        return write_corpus(pairs, out, fmt, src_lang=options.src_lang, tgt_lang=options.tgt_lang)
    if fmt not in EXPORT_FORMATS:
        raise DataError(f"unknown export format {fmt!r}; use one of {', '.join(CORPUS_FORMATS + EXPORT_FORMATS)}")
    module = importlib.import_module(f"align.exports.{'subtitles' if fmt in ('srt', 'vtt') else fmt}")
    module.write(list(pairs), Path(out), options, fmt)
    return [Path(out)]
