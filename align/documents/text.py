"""Plain text (UTF-8 with or without BOM, UTF-16/32 with a BOM, Windows-1252, CRLF).

Paragraphs are the runs of lines between blank lines; offsets point into the decoded file
itself, so segments of a text file keep the offsets they always had. A one-line paragraph
without closing punctuation is taken for a heading.
"""

from __future__ import annotations

import re

from align.documents.model import Document, Probe, RawBlock, build_document
from align.textio import read_text

name = "text"
description = "Plain text"

_PARAGRAPH = re.compile(r"\S(?:.*?\S)??(?=\s*(?:\n[ \t\r\f\v]*\n|\Z))", re.DOTALL)
_CLOSING = tuple(".!?…:;»\"')]")


def sniff(probe: Probe) -> bool:
    """The fallback: anything that decodes as text is text."""
    return False


def read(path: str) -> Document:
    decoded = read_text(path)
    text = decoded.text
    matches = list(_PARAGRAPH.finditer(text))
    raws = [RawBlock(m.group(), _kind(m.group()), {"line": text.count("\n", 0, m.start()) + 1}) for m in matches]
    spans = [m.span() for m in matches]
    return build_document(decoded.name, name, raws, text=text, spans=spans, notice=decoded.notice)


def _kind(paragraph: str) -> str:
    return "heading" if "\n" not in paragraph and not paragraph.rstrip().endswith(_CLOSING) else "paragraph"
