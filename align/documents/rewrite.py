"""Writing a translation back into the file it came from, shared by the writable formats.

A writer re-reads the original, finds its text units again in the order its reader found them
(the reader and the writer share one walk over the file), and checks that each one still holds
its block's text before replacing it: a file changed since it was read is refused rather than
filled with the wrong translations.
"""

from __future__ import annotations

import io
import zipfile
from typing import Mapping, Sequence, TypeVar

from align.documents.model import Document
from align.errors import DataError

Unit = TypeVar("Unit")


def translated_units(document: Document, texts: Mapping[int, str],
                     units: Sequence[tuple[str, Unit]]) -> list[tuple[str, Unit]]:
    """Each block's translation, as one line (its source text where none is given), with the
    unit (``(text, handle)`` as the writer found it, blank ones included) it was read from."""
    found = [(text.strip(), handle) for text, handle in units if text.strip()]
    if len(found) != len(document.blocks) or any(
        text != block.text for (text, _), block in zip(found, document.blocks)
    ):
        raise DataError(f"{document.path}: the file changed since it was read; read it again before writing "
                        "its translation")
    return [(" ".join((texts.get(block.id) or block.text).split()), handle)
            for block, (_, handle) in zip(document.blocks, found)]


def replace_members(archive: zipfile.ZipFile, replacements: Mapping[str, bytes]) -> bytes:
    """The zip container again, member by member in the same order and compression, with some
    members' content replaced (ODF needs its uncompressed ``mimetype`` to stay first)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in archive.infolist():
            data = replacements.get(info.filename)
            out.writestr(info, data if data is not None else archive.read(info.filename))
    return buffer.getvalue()

