"""OpenDocument text (ODT), read and written back.

``content.xml`` is read from the zip through :mod:`align.documents.safety` and walked directly:
headings and paragraphs of the body in document order, list items, table cells cell by cell,
text boxes, then the footnotes and endnotes. Tracked changes are read as accepted (the deleted
text ODF keeps in ``text:tracked-changes`` is left out); headers and footers (in
``styles.xml``), comments, page-number fields and generated indexes (a table of contents) are
left out.

A paragraph's locator is its 1-based index among the body's paragraphs and headings and its
style name, with table, row and cell for a table cell and the citation for a note. Writing back
puts each paragraph's translation in the piece of text that held most of it and empties the
others, so the paragraph keeps its style and its dominant character style; tracked changes are
accepted in the copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Mapping

from lxml import etree

from align.documents import safety
from align.documents.model import Document, Probe, RawBlock, build_document
from align.documents.rewrite import replace_members, translated_units
from align.textio import write_bytes_atomic

name = "odt"
description = "OpenDocument text (ODT)"

_WHAT = "ODT"
_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"


def _t(local: str) -> str:
    return f"{{{_TEXT}}}{local}"


_P, _H, _SPAN_SPACE, _TAB, _LINE_BREAK = _t("p"), _t("h"), _t("s"), _t("tab"), _t("line-break")
_NOTE, _NOTE_BODY, _LIST_ITEM = _t("note"), _t("note-body"), _t("list-item")
_TABLE_TAG, _ROW, _CELLS = f"{{{_TABLE}}}table", f"{{{_TABLE}}}table-row", (
    f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell")
# Never text of the document: deleted text of tracked changes, generated indexes, comments,
# page numbers, declarations, the alternative text of pictures.
_SKIPPED = frozenset({
    _t("tracked-changes"), _t("table-of-content"), _t("alphabetical-index"), _t("illustration-index"),
    _t("table-index"), _t("object-index"), _t("user-index"), _t("bibliography"), _t("page-number"),
    _t("page-count"), _t("sequence-decls"), _t("variable-decls"), _t("user-field-decls"),
    f"{{{_OFFICE}}}annotation", f"{{{_OFFICE}}}annotation-end", f"{{{_OFFICE}}}forms", f"{{{_SVG}}}title",
    f"{{{_SVG}}}desc",
})
_CHANGE_MARKS = (_t("change"), _t("change-start"), _t("change-end"))
_STYLE_KINDS = {"title": "title", "subtitle": "heading", "quotations": "quote", "caption": "caption",
                "illustration": "caption"}
_ESCAPED = re.compile(r"_([0-9A-Fa-f]{2})_")
_WHITESPACE = re.compile(r"[ \t\r\n]+")  # collapsed to one space, as ODF says; text:s and text:tab add more


def sniff(probe: Probe) -> bool:
    # The uncompressed ``mimetype`` member comes first, so its content is in the head even of a
    # truncated file.
    return probe.head.startswith(b"PK\x03\x04") and _MIMETYPE in probe.head[:200]


def read(path: str) -> Document:
    with safety.open_zip(path, _WHAT) as archive:
        root = _content(archive, path)
    raws = [RawBlock(paragraph.text, paragraph.kind, paragraph.locator) for paragraph in _paragraphs(root)]
    return build_document(path, name, raws)


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    with safety.open_zip(document.path, _WHAT) as archive:
        root = _content(archive, document.path)
        _accept_changes(root)
        found = [(paragraph.text, paragraph) for paragraph in _paragraphs(root)]
        for translation, paragraph in translated_units(document, texts, found):
            paragraph.replace(translation)
        content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        data = replace_members(archive, {"content.xml": content})
    write_bytes_atomic(path, data)


def _content(archive, path: str):
    return safety.parse_xml(safety.read_member(archive, "content.xml", path, _WHAT), path, f"{_WHAT} content.xml")


@dataclass
class _Paragraph:
    """A text:p or text:h as read, and the places its text sits: (element, "text" | "tail")."""

    element: object
    text: str
    kind: str
    locator: dict
    slots: list = field(default_factory=list)

    def replace(self, text: str) -> None:
        element, attribute = max(self.slots, key=lambda slot: len((getattr(*slot) or "").strip()),
                                 default=(self.element, "text"))
        for slot in self.slots:
            setattr(*slot, "")
        setattr(element, attribute, text)


def _paragraphs(root) -> Iterator[_Paragraph]:
    """Every paragraph with its text: the body's in document order, then the notes'."""
    body = root.find(f"{{{_OFFICE}}}body")
    if body is None:
        return
    walker = _Walker(_automatic_parents(root))
    yield from walker.walk(body, {})
    for note in body.iter(_NOTE):
        citation = note.find(_t("note-citation"))
        label = "".join(citation.itertext()) if citation is not None else note.get(_t("id"))
        note_body = note.find(_NOTE_BODY)
        if note_body is not None:
            yield from walker.walk(note_body, {note.get(_t("note-class"), "footnote"): label, "kind": "footnote"})


def _automatic_parents(root) -> dict[str, str]:
    """Automatic style ("P3") -> the named style it derives from ("Heading_20_1")."""
    parents = {}
    automatic = root.find(f"{{{_OFFICE}}}automatic-styles")
    for style in automatic if automatic is not None else ():
        parent = style.get(f"{{{_STYLE}}}parent-style-name")
        if parent:
            parents[style.get(f"{{{_STYLE}}}name")] = parent
    return parents


def _display(style_name: str) -> str:
    """ODF encodes spaces and other characters in style names: "Heading_20_1" is "Heading 1"."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), style_name)


class _Walker:
    """Walks the body in document order, numbering paragraphs and tables."""

    def __init__(self, automatic_parents: dict[str, str]) -> None:
        self.automatic_parents = automatic_parents
        self.paragraph_count = 0
        self.table_count = 0

    def walk(self, element, context: dict) -> Iterator[_Paragraph]:
        for child in element:
            tag = child.tag
            if tag in _SKIPPED or tag == _NOTE:
                continue
            if tag in (_P, _H):
                self.paragraph_count += 1
                yield self._paragraph(child, context)
                yield from self.walk(child, context)  # frames and text boxes hold paragraphs of their own
            elif tag == _TABLE_TAG:
                self.table_count += 1
                yield from self.walk(child, {**context, "table": child.get(f"{{{_TABLE}}}name") or self.table_count,
                                             "row": 0})
            elif tag == _ROW:
                context["row"] = context.get("row", 0) + 1
                yield from self.walk(child, {**context, "row": context["row"], "cell": 0})
            elif tag in _CELLS:
                context["cell"] = context.get("cell", 0) + 1
                yield from self.walk(child, {**context, "cell": context["cell"]})
            elif tag == _LIST_ITEM:
                yield from self.walk(child, {**context, "list": True})
            else:
                yield from self.walk(child, context)

    def _paragraph(self, element, context: dict) -> _Paragraph:
        style = element.get(_t("style-name")) or ""
        style = _display(self.automatic_parents.get(style, style)) or "Default"
        pieces: list[str] = []
        slots: list = []
        if element.text:
            pieces.append(_WHITESPACE.sub(" ", element.text))
            slots.append((element, "text"))
        _collect(element, pieces, slots)
        locator = {"paragraph": self.paragraph_count, "style": style}
        if "kind" in context:
            kind = context["kind"]
            locator = {key: value for key, value in context.items() if key not in ("kind", "list")} | {"style": style}
        elif "table" in context:
            kind = "table-cell"
            locator |= {"table": context["table"], "row": context["row"], "cell": context["cell"]}
        elif element.tag == _H:  # also when outline numbering puts headings in a list
            kind = "title" if style.lower() == "title" else "heading"
        elif context.get("list"):
            kind = "list-item"
        else:
            kind = _STYLE_KINDS.get(style.lower(), "heading" if style.lower().startswith("heading") else "paragraph")
        return _Paragraph(element, "".join(pieces), kind, locator, slots)


def _collect(element, pieces: list[str], slots: list) -> None:
    """The text of the children of ``element`` and their tails, in order, leaving out nested
    paragraphs, notes (read as blocks of their own) and fields that are not text."""
    for child in element:
        tag = child.tag
        if tag == _SPAN_SPACE:
            pieces.append(" " * int(child.get(_t("c"), "1") or 1))
        elif tag == _TAB:
            pieces.append("\t")
        elif tag == _LINE_BREAK:
            pieces.append("\n")
        elif tag not in _SKIPPED and tag not in (_NOTE, _P, _H) and isinstance(tag, str):
            if child.text:
                pieces.append(_WHITESPACE.sub(" ", child.text))
                slots.append((child, "text"))
            _collect(child, pieces, slots)
        if child.tail:
            pieces.append(_WHITESPACE.sub(" ", child.tail))
            slots.append((child, "tail"))


def _accept_changes(root) -> None:
    """Accept every tracked change: drop the deleted text ODF keeps aside and the change marks."""
    for element in list(root.iter(_t("tracked-changes"), *_CHANGE_MARKS)):
        parent = element.getparent()
        if element.tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)
