"""E-books (EPUB 2 and 3), read in reading order.

The zip and every XML file in it go through :mod:`align.documents.safety`. The package document
(OPF) gives the spine; each spine item's XHTML is read block by block (headings, paragraphs,
list items, table cells, captions, block quotes, footnote asides), and the navigation document
(EPUB 3 nav or an EPUB 2 table-of-contents page) is skipped. Chapter titles come from the
navigation (nav or NCX), else from the chapter's first heading. A DRM-protected book is refused:
``META-INF/rights.xml``, or ``META-INF/encryption.xml`` naming anything but fonts (publishers
obfuscate embedded fonts in DRM-free books too).

Locator: ``{"chapter": "Chapitre 1", "item": "text/ch1.xhtml"}`` (the item's manifest href).
"""

from __future__ import annotations

import html.entities
import posixpath
import re
import zipfile
from typing import Iterator
from urllib.parse import unquote

from lxml import etree

from align.documents import safety
from align.documents.model import Document, Probe, RawBlock, build_document
from align.errors import DataError

name = "epub"
description = "EPUB e-book"

_WHAT = "EPUB"
_CONTAINER = "META-INF/container.xml"
_OPS_TYPE = "{http://www.idpf.org/2007/ops}type"
_CONTENT_TYPES = ("application/xhtml+xml", "text/html")
_FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2", ".ttc")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that start a block of their own; anything else is inline text of the block around it.
_BLOCK_TAGS = _HEADINGS | frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "td", "th", "tr", "table", "thead", "tbody", "tfoot", "blockquote",
    "section", "article", "aside", "header", "footer", "main", "figure", "figcaption", "caption", "pre", "hgroup",
    "address", "center", "body", "hr",
})
_SKIPPED_TAGS = frozenset({"head", "script", "style", "nav", "rt", "rp", "svg", "math", "template"})
_CONTEXT_KINDS = {"li": "list-item", "dt": "list-item", "dd": "list-item", "td": "table-cell", "th": "table-cell",
                  "blockquote": "quote", "figcaption": "caption", "caption": "caption"}
_NOTE_TYPES = frozenset({"footnote", "endnote", "rearnote", "note"})
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")
_PLAIN_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>", re.IGNORECASE)
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def sniff(probe: Probe) -> bool:
    if _CONTAINER in probe.members:
        return True
    # ``mimetype`` is stored first and uncompressed, so even a truncated book shows it.
    return probe.head.startswith(b"PK\x03\x04") and b"application/epub+zip" in probe.head[:200]


def read(path: str) -> Document:
    with safety.open_zip(path, _WHAT) as archive:
        _refuse_drm(archive, path)
        raws = list(_book_blocks(archive, path))
    return build_document(path, name, raws)


def _refuse_drm(archive: zipfile.ZipFile, path: str) -> None:
    members = set(archive.namelist())
    protected = "META-INF/rights.xml" in members
    if not protected and "META-INF/encryption.xml" in members:
        root = _parse(archive, path, "META-INF/encryption.xml")
        uris = [ref.get("URI", "") for ref in root.iter("{http://www.w3.org/2001/04/xmlenc#}CipherReference")]
        protected = any(not unquote(uri).lower().endswith(_FONT_SUFFIXES) for uri in uris)
    if protected:
        raise DataError(f"{path}: refused: this EPUB is DRM-protected (its content is encrypted); "
                        "use a DRM-free copy of the book")


def _book_blocks(archive: zipfile.ZipFile, path: str) -> Iterator[RawBlock]:
    items, navigation = _spine(archive, path)
    titles = _titles(archive, path, navigation)
    for member, href in items:
        root = _parse(archive, path, member, xhtml=True)
        blocks = list(_blocks(_body(root), "paragraph"))
        first_heading = next((text for text, kind in blocks if kind == "heading"), None)
        chapter = titles.get(member) or first_heading or _title(root) or href
        for text, kind in blocks:
            yield RawBlock(text, kind, {"chapter": chapter, "item": href})


def _spine(archive: zipfile.ZipFile, path: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The content documents in reading order as (member, manifest href), less the navigation;
    and the navigation's members (EPUB 3 nav, EPUB 2 table-of-contents page, NCX)."""
    container = _parse(archive, path, _CONTAINER)
    rootfile = next((e.get("full-path") for e in container.iter() if _local(e) == "rootfile" and e.get("full-path")), None)
    if not rootfile:
        raise DataError(f"{path}: not a valid EPUB file ({_CONTAINER} names no package document); "
                        "open and save it again in an e-book editor")
    package = _parse(archive, path, rootfile)
    base = posixpath.dirname(rootfile)
    manifest = {}  # id -> (member, href, media type, properties)
    for item in _children(package, "manifest", "item"):
        href = item.get("href", "")
        manifest[item.get("id")] = (_resolve(base, href), href, item.get("media-type", ""), item.get("properties", ""))
    navigation = {member for member, _, _, properties in manifest.values() if "nav" in properties.split()}
    navigation |= {_resolve(base, ref.get("href", "")) for ref in _children(package, "guide", "reference")
                   if ref.get("type") == "toc"}
    items = []
    for itemref in _children(package, "spine", "itemref"):
        member, href, media_type, _ = manifest.get(itemref.get("idref"), (None, None, None, None))
        if member and member not in navigation and media_type in _CONTENT_TYPES:
            items.append((member, href))
    spine = next(iter(_children(package, "spine")), None)
    ncx = manifest.get(spine.get("toc")) if spine is not None else None
    return items, sorted(navigation) + ([ncx[0]] if ncx else [])


def _titles(archive: zipfile.ZipFile, path: str, navigation: list[str]) -> dict[str, str]:
    """Content member -> its title in the navigation document or NCX (the first entry wins)."""
    titles: dict[str, str] = {}
    members = set(archive.namelist())
    for member in navigation:
        if member not in members:
            continue
        root = _parse(archive, path, member, xhtml=True)
        base = posixpath.dirname(member)
        for element in root.iter():
            local = _local(element)
            if local == "a" and element.get("href"):  # EPUB 3 nav
                target, label = element.get("href"), _inline_text(element)
            elif local == "navPoint":  # EPUB 2 NCX
                content = next((e for e in element.iter() if _local(e) == "content"), None)
                text = next((e for e in element.iter() if _local(e) == "text"), None)
                if content is None or text is None:
                    continue
                target, label = content.get("src", ""), _WHITESPACE.sub(" ", text.text or "").strip()
            else:
                continue
            if label:
                titles.setdefault(_resolve(base, target), label)
    return titles


def _blocks(element, kind: str) -> Iterator[tuple[str, str]]:
    """(text, kind) of each block under ``element``; text between nested blocks is a block too."""
    pending: list[str] = [element.text or ""]
    for child in element:
        local = _local(child)
        if local in _SKIPPED_TAGS or local is None:
            pass
        elif local in _BLOCK_TAGS:
            yield from _flush(pending, kind)
            yield from _blocks(child, _kind_of(child, local, kind))
        else:
            pending.append(_inline_text(child))
        pending.append(child.tail or "")
    yield from _flush(pending, kind)


def _kind_of(element, local: str, inherited: str) -> str:
    if local in _HEADINGS:
        return "heading"
    if _NOTE_TYPES & set((element.get(_OPS_TYPE) or "").split()):
        return "footnote"
    return _CONTEXT_KINDS.get(local, inherited)


def _flush(pending: list[str], kind: str) -> Iterator[tuple[str, str]]:
    text = re.sub(r" *\n *", "\n", "".join(pending)).strip()
    pending.clear()
    if text:
        yield text, kind


def _inline_text(element) -> str:
    """An inline element's text with whitespace collapsed as a browser shows it; <br> breaks the
    line; a note reference's number is left out (the note is a block of its own)."""
    local = _local(element)
    if local in _SKIPPED_TAGS or local is None or "noteref" in (element.get(_OPS_TYPE) or "").split():
        return ""
    if local == "br":
        return "\n"
    parts = [_WHITESPACE.sub(" ", element.text or "")]
    for child in element:
        parts.append(_inline_text(child))
        parts.append(_WHITESPACE.sub(" ", child.tail or ""))
    return "".join(parts)


def _body(root):
    return next((e for e in root.iter() if _local(e) == "body"), root)


def _title(root) -> str | None:
    element = next((e for e in root.iter() if _local(e) == "title"), None)
    if element is None:
        return None
    return _WHITESPACE.sub(" ", "".join(element.itertext())).strip() or None


def _local(element) -> str | None:
    """The element's name without its namespace; None for comments and processing instructions."""
    return etree.QName(element).localname if isinstance(element.tag, str) else None


def _children(root, *path: str) -> list:
    """Elements at ``path`` of local names below the root (OPF 2 and 3 use different namespaces)."""
    level = [root]
    for local in path:
        level = [child for element in level for child in element if _local(child) == local]
    return level


def _resolve(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(href.split("#", 1)[0])))


def _parse(archive: zipfile.ZipFile, path: str, member: str, *, xhtml: bool = False):
    data = safety.read_member(archive, member, path, _WHAT)
    if xhtml:
        data = _as_plain_xml(data)
    return safety.parse_xml(data, path, f"{_WHAT} file {member}", recover=xhtml)


def _as_plain_xml(data: bytes) -> bytes:
    """XHTML as XML a parser needs no DTD for: the external DOCTYPE of XHTML 1.1 (never loaded,
    and it declares nothing inline) removed, HTML's named entities (``&nbsp;``) as numbers."""
    data = _PLAIN_DOCTYPE.sub(b"", data, count=1)
    return _NAMED_ENTITY.sub(_numeric_entity, data)


def _numeric_entity(match: re.Match) -> bytes:
    entity = match.group(1)
    codepoint = html.entities.name2codepoint.get(entity.decode("ascii"))
    if entity in _XML_ENTITIES or codepoint is None:
        return match.group(0)
    return b"&#%d;" % codepoint
