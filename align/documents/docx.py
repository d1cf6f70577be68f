"""Word documents (DOCX, Office Open XML), read and written back.

The zip and its XML go through :mod:`align.documents.safety`, then the WordprocessingML is
walked directly (python-docx sees neither footnotes, nor tracked changes, nor text boxes): every
paragraph of the body in document order, table cells cell by cell, then footnotes and endnotes.
Tracked changes are read as accepted (insertions kept, deletions left out); headers, footers,
comments, field codes and page-number fields, and a table of contents are left out.

A paragraph's locator is its 1-based index among the body's paragraphs and its style name
(``{"paragraph": 12, "style": "Heading 1"}``), with table, row and cell for a table cell and the
note id for a footnote. Writing back puts each paragraph's translation in the run that held most
of its text and empties the others, so the paragraph keeps its style and its dominant character
style (a bold first word does not make the whole translation bold); tracked changes are accepted
in the copy.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Iterator, Mapping

from lxml import etree

from align.documents import safety
from align.documents.model import Document, Probe, RawBlock, build_document
from align.documents.rewrite import replace_members, translated_units
from align.textio import write_bytes_atomic

name = "docx"
description = "Word (DOCX)"

_WHAT = "DOCX"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Fields whose shown result is a page number, not text of the document.
_PAGE_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES", "PAGEREF"})
# Tracked changes: what accepting them removes, and what it unwraps.
_REJECTED = ("del", "moveFrom", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
             "pPrChange", "rPrChange", "tblPrChange", "trPrChange", "tcPrChange", "sectPrChange")
_ACCEPTED = ("ins", "moveTo")
_STYLE_KINDS = {"title": "title", "subtitle": "heading", "caption": "caption", "quote": "quote",
                "intense quote": "quote"}


def sniff(probe: Probe) -> bool:
    if probe.members:
        return "[Content_Types].xml" in probe.members and any(m.startswith("word/") for m in probe.members)
    # A truncated container lists no members, but its first local headers still name them.
    return probe.head.startswith(b"PK\x03\x04") and b"word/" in probe.head


def read(path: str) -> Document:
    with safety.open_zip(path, _WHAT) as archive:
        parts = _Parts.load(archive, path)
        raws = [RawBlock(paragraph.text, paragraph.kind, paragraph.locator) for paragraph in _paragraphs(parts)]
    return build_document(path, name, raws)


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    with safety.open_zip(document.path, _WHAT) as archive:
        parts = _Parts.load(archive, document.path)
        for root in parts.roots.values():
            _accept_changes(root, parts.w)
        found = [(paragraph.text, paragraph) for paragraph in _paragraphs(parts)]
        for translation, paragraph in translated_units(document, texts, found):
            paragraph.replace(translation, parts.w)
        data = replace_members(archive, {member: _serialize(root) for member, root in parts.roots.items()})
    write_bytes_atomic(path, data)


@dataclass
class _Paragraph:
    """A w:p as read: its text, kind and locator, and the w:t elements its text came from."""

    element: object
    text: str
    kind: str
    locator: dict
    slots: list = field(default_factory=list)

    def replace(self, text: str, w: str) -> None:
        if not self.slots:
            run = self.element.makeelement(f"{{{w}}}r", {})
            self.element.append(run)
            self.slots.append(run.makeelement(f"{{{w}}}t", {}))
            run.append(self.slots[0])
        target = max(self.slots, key=lambda slot: len((slot.text or "").strip()))
        for slot in self.slots:
            slot.text = ""
        target.text = text
        target.set(_XML_SPACE, "preserve")


@dataclass
class _Parts:
    """The parsed XML parts holding text: the main document, then footnotes and endnotes."""

    w: str
    roots: dict  # member name -> root element
    main: str
    notes: list  # (member, "footnote" | "endnote")
    style_names: dict
    style_kinds: dict

    @classmethod
    def load(cls, archive: zipfile.ZipFile, path: str) -> "_Parts":
        main = _relationships(archive, path, "_rels/.rels").get("officeDocument", "word/document.xml")
        root = _parse(archive, path, main)
        w = etree.QName(root).namespace or ""
        related = _relationships(archive, path, posixpath.join(posixpath.dirname(main), "_rels",
                                                               posixpath.basename(main) + ".rels"))
        roots, notes = {main: root}, []
        for kind in ("footnote", "endnote"):
            if kind + "s" in related:
                roots[related[kind + "s"]] = _parse(archive, path, related[kind + "s"])
                notes.append((related[kind + "s"], kind))
        names, kinds = _styles(_parse(archive, path, related["styles"]) if "styles" in related else None, w)
        return cls(w, roots, main, notes, names, kinds)


def _parse(archive: zipfile.ZipFile, path: str, member: str):
    return safety.parse_xml(safety.read_member(archive, member, path, _WHAT), path, f"{_WHAT} part {member}")


def _relationships(archive: zipfile.ZipFile, path: str, rels: str) -> dict[str, str]:
    """Relationship type (its last word: "officeDocument", "styles") -> the member it points to."""
    members = set(archive.namelist())
    if rels not in members:
        return {}
    base = posixpath.dirname(posixpath.dirname(rels))
    targets = {}
    for rel in _parse(archive, path, rels).iter(_REL):
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        if rel.get("TargetMode") != "External" and member in members:
            targets.setdefault(rel.get("Type", "").rsplit("/", 1)[-1], member)
    return targets


def _styles(root, w: str) -> tuple[dict, dict]:
    """Style id -> display name, and style id -> block kind (following ``basedOn``); a style
    that numbers its paragraphs ("List Bullet") makes list items."""
    if root is None:
        return {}, {}
    names, based_on, numbered = {}, {}, {}
    for style in root.iter(f"{{{w}}}style"):
        style_id = style.get(f"{{{w}}}styleId")
        label = style.find(f"{{{w}}}name")
        parent = style.find(f"{{{w}}}basedOn")
        numbered[style_id] = style.find(f"{{{w}}}pPr/{{{w}}}numPr") is not None
        names[style_id] = _display(label.get(f"{{{w}}}val") if label is not None else style_id)
        if parent is not None:
            based_on[style_id] = parent.get(f"{{{w}}}val")
    kinds = {}
    for style_id in names:
        seen, current = set(), style_id
        while current in names and current not in seen and style_id not in kinds:
            seen.add(current)
            lowered = names[current].lower()
            if lowered.startswith("heading "):
                kinds[style_id] = "heading"
            elif lowered.startswith("toc "):
                kinds[style_id] = "toc"
            elif lowered in _STYLE_KINDS:
                kinds[style_id] = _STYLE_KINDS[lowered]
            elif lowered.startswith("list ") or numbered.get(current):
                kinds[style_id] = "list-item"
            current = based_on.get(current)
    return names, kinds


def _display(style_name: str) -> str:
    """Word stores built-in names in lower case ("heading 1") and shows them capitalised."""
    return style_name[:1].upper() + style_name[1:]


def _paragraphs(parts: _Parts) -> Iterator[_Paragraph]:
    """Every paragraph with its text: the body's in document order, then the notes'."""
    walker = _Walker(parts)
    body = parts.roots[parts.main].find(f"{{{parts.w}}}body")
    if body is not None:
        yield from walker.walk(body, {})
    for member, kind in parts.notes:
        for note in parts.roots[member].iter(f"{{{parts.w}}}{kind}"):
            if note.get(f"{{{parts.w}}}type") in (None, "normal"):
                yield from walker.walk(note, {kind: note.get(f"{{{parts.w}}}id"), "kind": "footnote"})


class _Walker:
    """Walks WordprocessingML in document order, numbering paragraphs and tables."""

    def __init__(self, parts: _Parts) -> None:
        self.parts = parts
        w = parts.w
        self.tags = {local: f"{{{w}}}{local}" for local in (
            "p", "tbl", "tr", "tc", "t", "tab", "br", "cr", "noBreakHyphen", "fldSimple", "fldChar", "instrText",
            "pPr", "pStyle", "numPr", "sdt", "docPartGallery", "del", "moveFrom")}
        self.skipped = {self.tags["del"], self.tags["moveFrom"], _MC_FALLBACK}
        self.paragraph_count = 0
        self.table_count = 0
        self.fields: list[list] = []  # open complex fields: [instruction, showing its result]

    def walk(self, element, context: dict) -> Iterator[_Paragraph]:
        tags = self.tags
        for child in element:
            tag = child.tag
            if tag in self.skipped or (tag == tags["sdt"] and self._is_toc(child)):
                continue
            if tag == tags["p"]:
                self.paragraph_count += 1
                paragraph = self._paragraph(child, context)
                if paragraph is not None:
                    yield paragraph
                yield from self.walk(child, context)  # text boxes hold paragraphs of their own
            elif tag == tags["tbl"]:
                self.table_count += 1
                yield from self.walk(child, {**context, "table": self.table_count, "row": 0})
            elif tag == tags["tr"]:
                context["row"] = context.get("row", 0) + 1
                yield from self.walk(child, {**context, "row": context["row"], "cell": 0})
            elif tag == tags["tc"]:
                context["cell"] = context.get("cell", 0) + 1
                yield from self.walk(child, {**context, "cell": context["cell"]})
            else:
                yield from self.walk(child, context)

    def _is_toc(self, sdt) -> bool:
        gallery = next(sdt.iter(self.tags["docPartGallery"]), None)
        return gallery is not None and "contents" in (gallery.get(f"{{{self.parts.w}}}val") or "").lower()

    def _paragraph(self, p, context: dict) -> _Paragraph | None:
        style_id = None
        properties = p.find(self.tags["pPr"])
        if properties is not None:
            style = properties.find(self.tags["pStyle"])
            style_id = style.get(f"{{{self.parts.w}}}val") if style is not None else None
        style_kind = self.parts.style_kinds.get(style_id)
        if style_kind == "toc":
            return None
        pieces: list[str] = []
        slots: list = []
        self._collect(p, pieces, slots)
        locator = {"paragraph": self.paragraph_count, "style": self.parts.style_names.get(style_id, style_id or "Normal")}
        if "kind" in context:
            kind = context["kind"]
            locator = {key: value for key, value in context.items() if key != "kind"} | {"style": locator["style"]}
        elif "table" in context:
            kind = "table-cell"
            locator |= {"table": context["table"], "row": context["row"], "cell": context["cell"]}
        elif style_kind is not None:
            kind = style_kind
        elif properties is not None and properties.find(self.tags["numPr"]) is not None:
            kind = "list-item"
        else:
            kind = "paragraph"
        return _Paragraph(p, "".join(pieces), kind, locator, slots)

    def _collect(self, element, pieces: list[str], slots: list) -> None:
        """The text under ``element`` in order, leaving out nested paragraphs (text boxes),
        deleted text, field instructions and page-number fields' results."""
        tags = self.tags
        w = self.parts.w
        for child in element:
            tag = child.tag
            if tag in self.skipped or tag == tags["p"]:
                continue
            if tag == tags["t"]:
                if not any(shown and _is_page_field(instruction) for instruction, shown in self.fields):
                    pieces.append(child.text or "")
                    slots.append(child)
            elif tag == tags["tab"]:
                pieces.append("\t")
            elif tag in (tags["br"], tags["cr"]):
                pieces.append("" if child.get(f"{{{w}}}type") == "page" else "\n")
            elif tag == tags["noBreakHyphen"]:
                pieces.append("-")
            elif tag == tags["fldChar"]:
                self._field_char(child.get(f"{{{w}}}fldCharType"))
            elif tag == tags["instrText"]:
                if self.fields:
                    self.fields[-1][0] += child.text or ""
            elif tag == tags["fldSimple"]:
                if not _is_page_field(child.get(f"{{{w}}}instr") or ""):
                    self._collect(child, pieces, slots)
            else:
                self._collect(child, pieces, slots)

    def _field_char(self, char_type: str | None) -> None:
        if char_type == "begin":
            self.fields.append(["", False])
        elif char_type == "separate" and self.fields:
            self.fields[-1][1] = True
        elif char_type == "end" and self.fields:
            self.fields.pop()


def _is_page_field(instruction: str) -> bool:
    words = instruction.split()
    return bool(words) and words[0].upper() in _PAGE_FIELDS


def _accept_changes(root, w: str) -> None:
    """Accept every tracked change: what the reader reads is what the written copy holds."""
    rejected = {f"{{{w}}}{local}" for local in _REJECTED}
    accepted = {f"{{{w}}}{local}" for local in _ACCEPTED}
    for element in list(root.iter(*rejected, *accepted)):
        parent = element.getparent()
        if parent is None:
            continue
        if element.tag in accepted:
            index = parent.index(element)
            for offset, child in enumerate(list(element)):
                parent.insert(index + offset, child)
        parent.remove(element)


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
