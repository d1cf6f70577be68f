"""WebVTT subtitles: each cue a block of a flowing document, as for SubRip (align.documents.srt).

The speaker of a voice span (``<v Marie>``) is kept when a translation is written back; other
markup is left out of the text. Cue identifiers, timings and settings stay as they were.
"""

from __future__ import annotations

import re
from typing import Mapping

from align.documents.model import Document, Probe, RawBlock, build_document
from align.documents.srt import cue_text, subtitle_lines
from align.errors import DataError
from align.textio import read_text, write_text_atomic

name = "vtt"
description = "WebVTT subtitles (.vtt)"

_SIGNATURE = re.compile(rb"\A(?:\xef\xbb\xbf)?WEBVTT(?:[ \t\r\n]|\Z)")


def sniff(probe: Probe) -> bool:
    return bool(_SIGNATURE.match(probe.head))


def read(path: str) -> Document:
    decoded = read_text(path)
    raws = []
    for number, caption in enumerate(_parse(decoded.text, path).captions, 1):
        locator = {"cue": number, "start": caption.start, "end": caption.end}
        if caption.identifier:
            locator["id"] = caption.identifier
        raws.append(RawBlock(cue_text(caption.text), "cue", locator))
    return build_document(decoded.name, name, raws, flowing=True, notice=decoded.notice)


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    captions = _parse(read_text(document.path).text, document.path)
    for block in document.blocks:
        if block.id in texts:
            caption = captions.captions[block.locator["cue"] - 1]
            text = subtitle_lines(texts[block.id], len(caption.lines))
            caption.text = f"<v {caption.voice}>{text}" if caption.voice else text
    write_text_atomic(path, captions.content)


def _parse(text: str, path: str):
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.from_string(text)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise DataError(f"{path}: not a valid WebVTT file ({exc}); it must start with WEBVTT, "
                        "then cues of a 'start --> end' line and their text") from exc
    if not captions.captions:
        raise DataError(f"{path}: no subtitle cues found in this WebVTT file")
    return captions
