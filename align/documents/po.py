"""Gettext PO catalogues (translate-toolkit): each message a block, its translation the reference.

The header and obsolete (``#~``) messages are left out; a plural message is read by its
singular. A translated, non-fuzzy ``msgstr`` becomes the block's ``target``. Drafts are written
back as ``msgstr`` (every plural form) and marked fuzzy, gettext's flag for "check this".
"""

from __future__ import annotations

import re
from typing import Iterator, Mapping

from align.documents.model import Document, Probe, RawBlock, build_document
from align.errors import DataError
from align.textio import read_bytes, write_bytes_atomic

name = "po"
description = "Gettext PO catalogue (.po)"

# A catalogue opens with comments (translator, flags, references) and then its first message.
_OPENING = re.compile(rb'\A(?:\xef\xbb\xbf)?(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*(?:msgctxt|msgid)[ \t]+"')


def sniff(probe: Probe) -> bool:
    return bool(_OPENING.match(probe.head))


def read(path: str) -> Document:
    raws = [
        RawBlock(str(unit.source), "unit", locator, str(unit.target) if unit.istranslated() else None)
        for unit, locator in _messages(_catalogue(path))
    ]
    return build_document(path, name, raws)


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    catalogue = _catalogue(document.path)
    drafts = {block.locator["unit"]: texts[block.id] for block in document.blocks if block.id in texts}
    for unit, locator in _messages(catalogue):
        draft = drafts.get(locator["unit"])
        if draft is None:
            continue
        unit.target = [draft] * max(len(unit.target.strings), 2) if unit.hasplural() else draft
        unit.markfuzzy(True)
    write_bytes_atomic(path, bytes(catalogue))


def _catalogue(path: str):
    from translate.storage.pypo import pofile

    data = read_bytes(path)
    try:
        return pofile.parsestring(data)
    except Exception as exc:  # the PO parser raises ValueError and assorted others on broken input
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path}: not a valid PO file ({reason}); check it with msgfmt --check") from exc


def _messages(catalogue) -> Iterator[tuple[object, dict]]:
    """Messages in file order with their locators: position, context and source references."""
    number = 0
    for unit in catalogue.units:
        if unit.isheader() or unit.isobsolete():
            continue
        number += 1
        locator: dict = {"unit": number}
        if unit.getcontext():
            locator["context"] = unit.getcontext()
        if unit.getlocations():
            locator["references"] = " ".join(unit.getlocations())
        yield unit, locator
