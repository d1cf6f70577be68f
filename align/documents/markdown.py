"""Markdown (CommonMark with tables), read and written back.

markdown-it-py parses the file; headings, paragraphs, list items, block quotes and table cells
become blocks of plain text (emphasis, link and code marks dropped, a link keeps its text, an
image's alt text is left out), while code blocks, raw HTML blocks and a YAML front matter are
left out. Locator: ``{"line": 12}`` (1-based, of the block's first line), with ``level`` for a
heading.

Writing back edits the original text line by line: each block's source is replaced by its
translation after the block's own markers (``## ``, ``- ``, ``> ``, ``|``), so headings, lists,
quotes, tables, code blocks and everything left out stay as they were; inline marks inside a
translated block are not carried over.
"""

from __future__ import annotations

import re
from typing import Iterator, Mapping

from align.documents.model import Document, Probe, RawBlock, build_document
from align.documents.rewrite import translated_units
from align.textio import read_text, write_text_atomic

name = "markdown"
description = "Markdown"

_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_CONTAINER_KINDS = {"list_item_open": "list-item", "blockquote_open": "quote"}
_LINE_START_MARKER = re.compile(r"(\d{1,9})([.)])(?=\s|$)|[#>+*=|-]")


def sniff(probe: Probe) -> bool:
    """Markdown is plain text that says so by its name."""
    return probe.suffix in _SUFFIXES and b"\x00" not in probe.head


def read(path: str) -> Document:
    decoded = read_text(path)
    raws = [RawBlock(text, kind, locator) for text, kind, locator, _ in _blocks(decoded.text)]
    return build_document(decoded.name, name, raws, notice=decoded.notice)


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    source = read_text(document.path).text.replace("\r\n", "\n")
    lines = source.split("\n")
    found = [(text, (token, kind)) for text, kind, _, token in _blocks(source)]
    cursor: dict[int, int] = {}  # line -> where the next cell on it may start
    dropped: set[int] = set()
    for translation, (token, kind) in translated_units(document, texts, found):
        first_line, last_line = token.map
        content = token.content.split("\n")
        line = lines[first_line]
        # A cell is found left to right; other blocks end their first line (but for a heading's
        # closing #s), so searching from the right skips a marker that looks the same ("1. 1").
        start = (line.find(content[0], cursor.get(first_line, 0)) if kind == "table-cell"
                 else line.rfind(content[0]))
        if start < 0:  # never expected: the inline source always appears on its first line
            start = len(line) - len(line.lstrip())
        translation = _escaped(translation, in_table=kind == "table-cell")
        rest = line[start + len(content[0]):] if len(content) == 1 else ""
        lines[first_line] = line[:start] + translation + rest
        cursor[first_line] = start + len(translation)
        dropped.update(range(first_line + 1, first_line + len(content)))
    write_text_atomic(path, "\n".join(line for index, line in enumerate(lines) if index not in dropped))


def _blocks(text: str) -> Iterator[tuple[str, str, dict, object]]:
    """(plain text, kind, locator, inline token) of every block that holds prose."""
    from markdown_it import MarkdownIt

    front = _FRONT_MATTER.match(text)
    if front:  # blanked, not cut, so that line numbers stay those of the file
        text = "\n" * front.group().count("\n") + text[front.end():]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    containers: list[str] = []
    for index, token in enumerate(tokens):
        if token.type in _CONTAINER_KINDS:
            containers.append(_CONTAINER_KINDS[token.type])
        elif token.type in ("list_item_close", "blockquote_close"):
            containers.pop()
        elif token.type == "inline" and token.map:
            opener = tokens[index - 1]
            locator = {"line": token.map[0] + 1}
            if opener.type == "heading_open":
                kind = "heading"
                locator["level"] = int(opener.tag[1:])
            elif opener.type in ("th_open", "td_open"):
                kind = "table-cell"
            else:
                kind = containers[-1] if containers else "paragraph"
            yield _plain(token), kind, locator, token


def _plain(inline) -> str:
    """The text a reader sees: marks dropped, code spans and link texts kept, line breaks kept."""
    pieces = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type == "softbreak":
            pieces.append(" ")
        elif child.type == "hardbreak":
            pieces.append("\n")
    return "".join(pieces)


def _escaped(text: str, *, in_table: bool) -> str:
    """A translation that Markdown reads back as the same kind of block: a ``|`` in a cell would
    start a new cell, a leading ``#`` or ``1.`` elsewhere a heading or a list."""
    if in_table:
        return text.replace("|", "\\|")
    match = _LINE_START_MARKER.match(text)
    if match and match.group(1):
        return f"{match.group(1)}\\{text[len(match.group(1)):]}"
    return "\\" + text if match else text
