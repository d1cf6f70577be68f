"""What every reader produces: a document as an ordered list of blocks.

A block is a unit the file itself marks (a heading, a paragraph, a table cell, a subtitle cue, a
CAT-tool unit); its ``locator`` points back into the file (page, chapter, paragraph index and
style, cue times, unit id, element path) so a reviewer can find the sentence in the original.
Block boundaries are hard sentence boundaries, except in a *flowing* document (subtitles),
where a sentence may run over several cues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Protocol, Sequence

from align.errors import DataError

BLOCK_KINDS = (
    "title", "heading", "paragraph", "list-item", "table-cell", "caption", "footnote", "quote", "cue", "unit",
)

# Blocks are joined with a blank line, which the segmenter never crosses; cues of a flowing
# document with a space, so that a sentence can run on into the next cue.
BLOCK_SEPARATOR = "\n\n"
FLOWING_SEPARATOR = " "


@dataclass(frozen=True)
class Block:
    """One block; ``[start, end)`` is its span in :attr:`Document.text`.

    ``target`` is the existing translation of a bilingual file's unit (XLIFF, PO).
    """

    id: int
    text: str
    kind: str
    locator: dict = field(default_factory=dict)
    start: int = 0
    end: int = 0
    target: str | None = None


@dataclass(frozen=True)
class RawBlock:
    """A block as a reader finds it, before ids and offsets are given."""

    text: str
    kind: str = "paragraph"
    locator: dict = field(default_factory=dict)
    target: str | None = None


@dataclass(frozen=True)
class Document:
    """The text a reader extracted: the blocks and their concatenation ``text``."""

    path: str
    format: str
    blocks: tuple[Block, ...]
    text: str
    flowing: bool = False
    notice: str | None = None

    @property
    def has_targets(self) -> bool:
        return any(block.target for block in self.blocks)

    def target_side(self) -> "Document":
        """The existing translations of a bilingual file as a document of their own."""
        raws = [RawBlock(b.target, b.kind, b.locator) for b in self.blocks if b.target and b.target.strip()]
        return build_document(self.path, self.format, raws, flowing=self.flowing)


def locator_label(locator: dict | None) -> str:
    """A locator in a few words for people: ``page 2``, ``cue 3 00:00:01,000 … cue 4 …``."""
    if not locator:
        return ""
    until = locator.get("until")
    here = ", ".join(f"{key} {value}" for key, value in locator.items() if key not in ("until", "blocks"))
    return f"{here} … {locator_label(until)}" if until else here


def build_document(
    path: str,
    fmt: str,
    raws: Iterable[RawBlock],
    *,
    flowing: bool = False,
    notice: str | None = None,
    text: str | None = None,
    spans: Sequence[tuple[int, int]] | None = None,
) -> Document:
    """Number the non-blank blocks and lay them out in one text, or refuse a document with none.

    A reader whose blocks are already spans of a text it keeps (plain text) passes ``text`` and
    ``spans`` so that offsets point into the original.
    """
    blocks: list[Block] = []
    parts: list[str] = []
    position = 0
    separator = FLOWING_SEPARATOR if flowing else BLOCK_SEPARATOR
    for index, raw in enumerate(raws):
        content = raw.text.strip()
        if not content:
            continue
        if spans is not None:
            start, end = spans[index]
        else:
            if parts:
                parts.append(separator)
                position += len(separator)
            start, end = position, position + len(content)
            parts.append(content)
            position = end
        blocks.append(Block(len(blocks), content, raw.kind, dict(raw.locator), start, end, raw.target))
    if not blocks:
        raise DataError(f"{path}: no text found in this {fmt} document; is it the right file?")
    return Document(path, fmt, tuple(blocks), text if text is not None else "".join(parts), flowing, notice)


@dataclass(frozen=True)
class Probe:
    """What a format is recognised by: the file's first bytes, the member names of a zip
    container (empty otherwise), and the file name's suffix, which only breaks ties between
    formats that are all plain text (Markdown and text)."""

    head: bytes
    members: frozenset[str] = frozenset()
    suffix: str = ""


class Reader(Protocol):
    """One document format, a module of :mod:`align.documents`: recognise it, read it."""

    name: str
    description: str

    def sniff(self, probe: Probe) -> bool: ...

    def read(self, path: str) -> Document: ...


class Writer(Reader, Protocol):
    """A format a translated document can be written back to, structure and styles kept."""

    def write(self, document: Document, texts: Mapping[int, str], path: str) -> None:
        """Write ``document`` with each block's text replaced by ``texts[block.id]``."""
