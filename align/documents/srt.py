"""SubRip subtitles: each cue a block of a flowing document, so that a sentence spoken over
several cues is one segment that records every cue it covers.

A cue's line breaks are layout, not structure: its lines are joined by a space, and markup
(``<i>``, ``{\\an8}``) is left out of the text. A translation is written with the original
timings, its words shared over as many lines as the cue had.
"""

from __future__ import annotations

import re
from typing import Mapping

from align.documents.model import Document, Probe, RawBlock, build_document
from align.errors import DataError
from align.textio import read_text, write_text_atomic

name = "srt"
description = "SubRip subtitles (.srt)"

_FIRST_CUE = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\d+[ \t]*\r?\n[ \t]*\d+:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->")
_MARKUP = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def sniff(probe: Probe) -> bool:
    return bool(_FIRST_CUE.match(probe.head))


def read(path: str) -> Document:
    decoded = read_text(path)
    raws = [
        RawBlock(cue_text(sub.content), "cue",
                 {"cue": number, "start": _timestamp(sub.start), "end": _timestamp(sub.end)})
        for number, sub in enumerate(_parse(decoded.text, path), 1)
    ]
    return build_document(decoded.name, name, raws, flowing=True, notice=decoded.notice)


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    import srt

    subtitles = _parse(read_text(document.path).text, document.path)
    for block in document.blocks:
        if block.id in texts:
            cue = subtitles[block.locator["cue"] - 1]
            cue.content = subtitle_lines(texts[block.id], cue.content.count("\n") + 1)
    write_text_atomic(path, srt.compose(subtitles, reindex=False))


def cue_text(content: str) -> str:
    """A cue's text on one line, without markup."""
    return " ".join(_MARKUP.sub("", content).split())


def subtitle_lines(text: str, count: int) -> str:
    """``text`` broken into ``count`` lines of about equal length (at most ``count``, at least one)."""
    words = text.split()
    if count <= 1 or len(words) <= 1:
        return " ".join(words)
    total = sum(len(word) + 1 for word in words)
    lines: list[list[str]] = [[]]
    length = 0
    for word in words:
        if lines[-1] and length >= total * len(lines) / count and len(lines) < count:
            lines.append([])
        lines[-1].append(word)
        length += len(word) + 1
    return "\n".join(" ".join(line) for line in lines)


def _parse(text: str, path: str) -> list:
    import srt

    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        raise DataError(f"{path}: not a valid SRT file (unexpected text at line {line}); "
                        "each cue is a number, a 'start --> end' line and its text") from exc
    if not subtitles:
        raise DataError(f"{path}: no subtitle cues found; is it an SRT file?")
    return subtitles


def _timestamp(delta) -> str:
    import srt

    return srt.timedelta_to_srt_timestamp(delta)
