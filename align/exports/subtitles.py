"""Subtitles (SRT, WebVTT) of the English with the source's cue timings.

A pair knows where its French was in the subtitle file it came from: its locator's ``start``
and ``end`` (and ``until``, the last cue of a sentence that ran over several). Pairs without
timings (an English sentence the French does not have, or a corpus that did not come from
subtitles) cannot be placed and are left out; no timing at all is refused.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Sequence

from align.errors import DataError
from align.exports import ExportOptions, target_text
from align.records import Pair
from align.textio import write_text_atomic


def _time(value: object) -> timedelta | None:
    import srt

    if not isinstance(value, str):
        return None
    try:
        return srt.srt_timestamp_to_timedelta(value.strip().replace(".", ","))
    except (ValueError, srt.TimestampParseError):
        return None


def _timing(pair: Pair) -> tuple[timedelta, timedelta] | None:
    locator = pair.locator or {}
    last = locator.get("until") or locator
    start, end = _time(locator.get("start")), _time(last.get("end"))
    return (start, end) if start is not None and end is not None and end > start else None


def write(pairs: Sequence[Pair], path: Path, options: ExportOptions, fmt: str = "srt") -> None:
    import srt

    cues = []
    for pair in pairs:
        timing, text = _timing(pair), " ".join(target_text(pair, options.targets).split())
        if timing and text:
            cues.append(srt.Subtitle(len(cues) + 1, timing[0], timing[1], text))
    if not cues:
        raise DataError(f"{path}: no pair has subtitle timings (export {fmt} from a run on an SRT or WebVTT source)")
    text = srt.compose(cues, reindex=True)
    if fmt == "vtt":
        text = "WEBVTT\n\n" + "".join(_vtt_cue(cue) for cue in srt.sort_and_reindex(cues))
    write_text_atomic(path, text)


def _vtt_cue(cue) -> str:
    import srt

    def stamp(delta: timedelta) -> str:
        return srt.timedelta_to_srt_timestamp(delta).replace(",", ".")

    return f"{stamp(cue.start)} --> {stamp(cue.end)}\n{cue.content}\n\n"
