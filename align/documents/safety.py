"""Opening the containers documents come in without trusting them.

Office files and EPUB books are zip archives of XML; XLIFF and TMX are XML. A hostile file can
be a zip bomb (a few kB that inflate to gigabytes) or XML whose entities expand exponentially
("billion laughs") or point at local files and URLs (XXE). Every reader opens its container
through these two functions: archives are refused past a stated size or compression ratio,
and XML that declares entities is refused before lxml parses it; nothing is ever resolved or
fetched.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from align.errors import DataError

# The most a document may inflate to, in all and per member relative to its compressed size:
# a 300-page novel's EPUB is a few MB; real Office files compress text about 5-20x.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
_RATIO_CHECKED_ABOVE = 1024 * 1024

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)


def open_zip(path: str | Path, what: str) -> zipfile.ZipFile:
    """Open the zip container of a ``what`` (e.g. "DOCX") after checking it is no bomb."""
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DataError(f"{path}: a truncated or corrupt {what} file (not a readable zip archive); "
                        "open and save it again in its program") from exc
    total = sum(info.file_size for info in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        archive.close()
        raise DataError(f"{path}: refused: this {what} would unpack to {total / 2**20:.0f} MiB, "
                        f"over the limit of {MAX_UNCOMPRESSED_BYTES // 2**20} MiB (a zip bomb?)")
    for info in members:
        if info.file_size > _RATIO_CHECKED_ABOVE and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            archive.close()
            raise DataError(f"{path}: refused: {info.filename} inflates {info.file_size // max(info.compress_size, 1)}x, "
                            f"over the limit of {MAX_COMPRESSION_RATIO}x (a zip bomb?)")
    return archive


def read_member(archive: zipfile.ZipFile, member: str, path: str | Path, what: str) -> bytes:
    """One member's bytes, with a corrupt member reported like a corrupt archive."""
    try:
        return archive.read(member)
    except KeyError as exc:
        raise DataError(f"{path}: not a valid {what} file ({member} is missing)") from exc
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise DataError(f"{path}: a truncated or corrupt {what} file ({member} cannot be read); "
                        "open and save it again in its program") from exc


def parse_xml(data: bytes, path: str | Path, what: str, *, recover: bool = False) -> etree._Element:
    """Parse XML that declares no entities; lxml itself is told never to load or fetch anything."""
    if _ENTITY_DECLARATION.search(data) or _EXTERNAL_DOCTYPE.search(data):
        raise _entities_refused(path, what)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=recover, remove_comments=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DataError(f"{path}: the {what} is not well-formed XML ({exc.msg}); is the file truncated?") from exc
    if root is None:
        raise DataError(f"{path}: the {what} holds no XML content")
    info = root.getroottree().docinfo
    if (info.internalDTD is not None and any(True for _ in info.internalDTD.iterentities())) or info.system_url:
        # Only reachable when the bytes hid the declaration from the check above (UTF-16, UTF-32).
        raise _entities_refused(path, what)
    return root


def _entities_refused(path: str | Path, what: str) -> DataError:
    return DataError(f"{path}: refused: the {what} declares XML entities or an external DTD, "
                     "which are not allowed (they can expand without bound or read other files)")
