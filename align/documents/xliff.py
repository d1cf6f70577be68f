"""XLIFF 1.2 and 2.0, the bilingual files of CAT tools (translate-toolkit).

Each translatable unit's source is a block (an XLIFF 2.0 segment: a block each); a target the
file already holds, unless marked new / needs-translation / initial, is the block's ``target``:
the reference side, so ``align run file.xlf`` checks the CAT tool's translation. Drafts are
written back as targets marked for review (1.2: state="needs-review-translation"; 2.0, which has
no such state: state="translated", the state before "reviewed"). Inline markup (``<g>``,
``<x/>``, ``<pc>``) is read as its text and not rebuilt in a written target.
"""

from __future__ import annotations

import re
from typing import Iterator, Mapping

from align.documents.model import Document, Probe, RawBlock, build_document
from align.documents.safety import parse_xml
from align.errors import DataError
from align.textio import read_bytes, write_bytes_atomic

name = "xliff"
description = "XLIFF 1.2 / 2.0 (CAT tools)"

# The root element, after an XML declaration, comments and a DOCTYPE (refused later if it declares entities).
_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?"
    rb"(?:<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*<(?:\w+:)?xliff[\s>]",
    re.DOTALL,
)
XLIFF2_NAMESPACE = "urn:oasis:names:tc:xliff:document:2.0"
_NOT_TRANSLATED = frozenset({"new", "needs-translation", "initial"})
TARGET_LANGUAGE = "en"


def sniff(probe: Probe) -> bool:
    return bool(_ROOT.match(probe.head))


def read(path: str) -> Document:
    store = _store(path)
    raws = [RawBlock(str(unit.source), "unit", locator, _reference(unit)) for unit, locator in _units(store)]
    return build_document(path, name, raws)


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    store = _store(document.path)
    drafts = {_key(block.locator): texts[block.id] for block in document.blocks if block.id in texts}
    for unit, locator in _units(store):
        draft = drafts.get(_key(locator))
        if draft is None:
            continue
        unit.target = draft
        if _is_xliff2(store):
            unit.marktranslated()
        else:
            unit.set_state_n(unit.S_NEEDS_REVIEW)
    if not store.gettargetlanguage():
        store.settargetlanguage(TARGET_LANGUAGE)
    write_bytes_atomic(path, bytes(store))


def _store(path: str):
    """The file parsed by translate-toolkit, after the entity and DTD check every XML read gets."""
    from translate.storage.xliff import xlifffile
    from translate.storage.xliff2 import Xliff2File

    data = read_bytes(path)
    root = parse_xml(data, path, "XLIFF file")
    if root.tag.rsplit("}", 1)[-1] != "xliff":
        raise DataError(f"{path}: not an XLIFF file (its root element is <{root.tag.rsplit('}', 1)[-1]}>)")
    version2 = root.tag.startswith(f"{{{XLIFF2_NAMESPACE}}}") or root.get("version", "").startswith("2")
    try:
        return (Xliff2File if version2 else xlifffile).parsestring(data)
    except Exception as exc:  # translate-toolkit raises assorted errors on XML it cannot map
        raise DataError(f"{path}: not a valid XLIFF {'2.0' if version2 else '1.2'} file ({exc})") from exc


def _is_xliff2(store) -> bool:
    from translate.storage.xliff2 import Xliff2File

    return isinstance(store, Xliff2File)


def _units(store) -> Iterator[tuple[object, dict]]:
    """Translatable units with their locators: unit id, and the file's name when it has several."""
    several_files = len(store.getfilenames()) > 1
    for unit in store.unit_iter():
        if unit.isheader() or not unit.istranslatable():
            continue
        locator = {"unit": unit.getid() if _is_xliff2(store) else unit.xmlelement.get("id") or unit.getid()}
        if several_files:
            file = next(unit.xmlelement.iterancestors(unit.namespaced("file")), None)
            locator["file"] = file.get("original") or file.get("id") if file is not None else None
        yield unit, locator


def _reference(unit) -> str | None:
    """The unit's existing target, unless the file says it is not a translation yet."""
    target = unit.target
    if not target or not str(target).strip():
        return None
    holder = unit.xmlelement if unit.namespace == XLIFF2_NAMESPACE else unit.xmlelement.find(unit.namespaced("target"))
    state = holder.get("state") if holder is not None else None
    return None if state in _NOT_TRANSLATED else str(target)


def _key(locator: Mapping) -> tuple:
    return tuple(sorted(locator.items()))
