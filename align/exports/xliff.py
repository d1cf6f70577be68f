"""XLIFF 1.2 for CAT tools: one trans-unit per pair, the English marked as not yet confirmed.

``state="needs-review-translation"`` is what OmegaT, memoQ and Trados show as an unconfirmed
translation, which is what a machine draft or an aligned reference is until someone checks it.
Pairs are grouped into one ``file`` per document.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Sequence

from lxml import etree

from align import __version__
from align.exports import ExportOptions, target_text
from align.formats import drop_forbidden
from align.records import Pair
from align.textio import write_bytes_atomic

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
UNCONFIRMED = "needs-review-translation"


def _element(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{XLIFF_NS}}}{tag}", attributes)
    if text is not None:
        element.text = drop_forbidden(text)
    return element


def write(pairs: Sequence[Pair], path: Path, options: ExportOptions, fmt: str = "xliff") -> None:
    root = etree.Element(f"{{{XLIFF_NS}}}xliff", nsmap={None: XLIFF_NS}, version="1.2")
    number = 0
    for doc, group in groupby(pairs, key=lambda pair: pair.doc):
        file = _element(root, "file", original=doc or "corpus", datatype="plaintext",
                        **{"source-language": options.src_lang, "target-language": options.tgt_lang,
                           "tool-id": "align-workbench"})
        header = _element(file, "header")
        _element(header, "tool", **{"tool-id": "align-workbench", "tool-name": "align", "tool-version": __version__})
        body = _element(file, "body")
        for pair in group:
            if not pair.src:
                continue  # an English sentence with no French has nothing to translate
            number += 1
            unit = _element(body, "trans-unit", id=str(number))
            _element(unit, "source", pair.src)
            english = target_text(pair, options.targets)
            if english:
                _element(unit, "target", english, state=UNCONFIRMED)
            for flag in pair.flags:
                _element(unit, "note", flag, **{"from": "align"})
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    write_bytes_atomic(path, data)
