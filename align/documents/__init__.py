"""Documents in, documents out: one module per format behind one protocol, and the registry.

Each format module has a ``name``, a ``description``, ``sniff(probe) -> bool`` and
``read(path) -> Document``; the formats a translation can be written back to also have
``write(document, texts, path)``. A file's format is recognised by its content (magic bytes,
zip members, XML root), never by its extension alone; ``input_format`` overrides. Modules
import their parsing libraries inside ``read``/``write``, so asking the registry costs nothing.
"""

from __future__ import annotations

import importlib
import zipfile
from pathlib import Path
from types import ModuleType

from align.documents.model import Block, Document, Probe, RawBlock, build_document, locator_label
from align.errors import DataError

__all__ = [
    "Block", "Document", "Probe", "RawBlock", "build_document", "FORMATS", "read_document", "reader_for",
    "writer_for", "detect_format", "locator_label",
]

# In sniffing order: containers (pdf, docx, odt, epub), then marked-up text (xliff, html, vtt,
# srt, po), then markdown, and plain text last, the fallback.
FORMATS = ("pdf", "docx", "odt", "epub", "xliff", "html", "vtt", "srt", "po", "markdown", "text")
_HEAD_BYTES = 64 * 1024

# Files people mistake for documents, named in the refusal.
_KNOWN_OTHERS = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc/.xls/.ppt): save it as DOCX or ODT first"),
    (b"{\\rtf", "an RTF file: save it as DOCX, ODT or text first"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive: unpack it first"),
    (b"Rar!", "a RAR archive: unpack it first"),
    (b"\x7fELF", "a program, not a document"),
)


def _module(fmt: str) -> ModuleType:
    return importlib.import_module(f"align.documents.{fmt}")


def reader_for(fmt: str) -> ModuleType:
    if fmt not in FORMATS:
        raise DataError(f"unknown input format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return _module(fmt)


def writer_for(fmt: str) -> ModuleType | None:
    """The format's module if a translated document can be written in it, else None."""
    module = reader_for(fmt)
    return module if hasattr(module, "write") else None


def _probe(path: Path) -> Probe:
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    members: frozenset[str] = frozenset()
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                members = frozenset(archive.namelist())
        except (zipfile.BadZipFile, EOFError, OSError):
            pass  # a truncated container: the head alone may still say what it was meant to be
    return Probe(head, members, path.suffix.lower())


def detect_format(path: str | Path) -> str:
    """The format of the file at ``path``, by content; refuses what no reader can read."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{path}: no such file")
    if p.is_dir():
        raise DataError(f"{path}: is a directory, expected a document")
    try:
        probe = _probe(p)
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from exc
    for fmt in FORMATS:
        if _module(fmt).sniff(probe):
            return fmt
    for magic, what in _KNOWN_OTHERS:
        if probe.head.startswith(magic):
            raise DataError(f"{path}: {what}, not a document align can read ({_supported()})")
    if probe.head.startswith(b"PK\x03\x04"):
        kind = "a spreadsheet (XLSX)" if any(m.startswith("xl/") for m in probe.members) else "a zip archive"
        raise DataError(f"{path}: {kind}, not a document align can read ({_supported()})")
    return "text"


def _supported() -> str:
    return "supported: " + ", ".join(_module(fmt).description for fmt in FORMATS)


def read_document(path: str | Path, input_format: str | None = None) -> Document:
    """Read any supported document; ``-`` reads plain text from stdin."""
    if str(path) == "-":
        return _module("text").read("-")
    fmt = input_format or detect_format(path)
    return reader_for(fmt).read(str(path))
