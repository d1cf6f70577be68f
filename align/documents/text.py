"""Plain text (UTF-8 with or without BOM, UTF-16/32 with a BOM, Windows-1252, CRLF).

Paragraphs are the runs of lines between blank lines; offsets point into the decoded file
itself, so segments of a text file keep the offsets they always had, and a translation is
written back paragraph by paragraph into the same layout. A one-line paragraph
without closing punctuation is taken for a heading.
"""

from __future__ import annotations

import re
from typing import Mapping

from align.documents.model import Document, Probe, RawBlock, build_document
from align.textio import read_text, write_text_atomic

name = "text"
description = "Plain text"

_PARAGRAPH = re.compile(r"\S(?:.*?\S)??(?=\s*(?:\n[ \t\r\f\v]*\n|\Z))", re.DOTALL)
_CLOSING = tuple(".!?…:;")
_QUOTES_AND_BRACKETS = "»\"'”’)]"


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
    ending = paragraph.rstrip().rstrip(_QUOTES_AND_BRACKETS)
    return "heading" if "\n" not in paragraph and not ending.endswith(_CLOSING) else "paragraph"


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    """The original text with each paragraph replaced, blank lines and line ends as they were."""
    text = document.text
    for block in reversed(document.blocks):
        text = text[:block.start] + texts[block.id] + text[block.end:]
    write_text_atomic(path, text)
