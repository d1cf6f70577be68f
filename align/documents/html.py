"""HTML and XHTML (a saved web page): the article only, as headings, paragraphs, list items,
table cells and quotes.

trafilatura finds the main content (it beats readability-lxml and jusText on French news pages)
and gives it with its structure (``output_format="xml"``: head, p, list/item, table/cell, quote).
Two things are added around it. trafilatura leaves the page's h1 out of the body, so the h1 that
matches the page's title comes back as the document's title block; and it lets through some site
chrome (share buttons, "À lire aussi", cookie notices, bylines, credits), which the phrase rules
of :mod:`align.documents.html_chrome` drop, as well as any block that sits in the page's
navigation or footer (what trafilatura returns for a page with no article). eval/bench_html.py
measures the result against each extractor alone. Each block's locator is the element path of the
original page (``/html/body/article/p[3]``), found by locating the block's text in the page's DOM.

A translation is written back into a copy of the page (:func:`write`): each block's element gets
its translation, the rest of the page (menus, scripts, styles, attributes) stays as it was.

Nothing in the page is executed or fetched: lxml parses it without network access, scripts,
styles, iframes and templates are never read as text, and a page that declares XML entities
(billion laughs) is refused like any XML.
"""

from __future__ import annotations

import codecs
import copy
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from typing import Mapping

from align.documents.html_chrome import chrome_rule
from align.documents.model import Document, Probe, RawBlock, build_document
from align.documents.rewrite import translated_units
from align.errors import DataError
from align.textio import read_text, write_text_atomic

name = "html"
description = "HTML/XHTML web page (main content)"

_MARKUP_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
# Invisible characters pages put inside words (soft hyphens for justification, zero-width spaces):
# they would split words for the segmenter and the translator.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))

# Never text: what a browser runs or draws rather than reads.
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "canvas", "head"})
# Elements that start a new block in a browser: a located block's path climbs up to one of them.
_DOM_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
# trafilatura's XML elements that hold a block's text, with the block kind they give.
_BLOCK_KINDS = {"head": "heading", "p": "paragraph", "item": "list-item", "cell": "table-cell", "quote": "quote"}
# Containers of blocks in trafilatura's XML.
_CONTAINERS = frozenset({"doc", "main", "body", "list", "table", "row", "div"})
# Never blocks: code listings (left out, like Markdown's code blocks), images, reader comments.
_SKIPPED = frozenset({"code", "graphic", "comments"})
# The shortest extraction trafilatura trusts before trying its fallbacks (see _trafilatura_config).
MIN_ARTICLE_CHARS = 1


def sniff(probe: Probe) -> bool:
    """A document that starts as HTML does: a doctype, or an html/head/body element first."""
    return bool(_MARKUP_START.match(_decode_head(probe.head)))


def _decode_head(head: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig")):
        if head.startswith(bom):
            return head.decode(encoding, errors="ignore")
    return head.decode("utf-8", errors="ignore")


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract` kept and, for the benchmark's report, what the chrome rules dropped."""

    blocks: list[RawBlock]
    dropped: list[tuple[str, str]]  # (rule name, block text)


def read(path: str) -> Document:
    text, notice = _decode(path)
    extraction = extract(text, path)
    return build_document(path, name, extraction.blocks, notice=notice)


def write(document: Document, texts: Mapping[int, str], path: str) -> None:
    """The original page with each block's element holding its translation, all else as it was.

    The page is extracted again to find each block's element; inline markup inside a translated
    element (links, emphasis) goes, since a translation's words do not map onto it, but images
    and nested blocks stay. The page is written as UTF-8 and says so in its meta tag.
    """
    import lxml.html

    source, _ = _decode(document.path)
    units = [(raw.text, raw.locator.get("path")) for raw in extract(source, document.path).blocks]
    page = _parse(source, document.path)
    tree = page.getroottree()
    by_element: dict[str, list[str]] = {}
    for translation, element_path in translated_units(document, texts, units):
        if element_path:
            by_element.setdefault(element_path, []).append(translation)
    for element_path, translations in by_element.items():
        for element in tree.xpath(element_path)[:1]:
            _replace_own_text(element, " ".join(translations))
    _declare_utf8(page)
    write_text_atomic(path, lxml.html.tostring(page, encoding="unicode", doctype=tree.docinfo.doctype) + "\n")


# Elements that show something other than text: kept when a translation replaces the text around them.
_EMBEDDED = frozenset({
    "img", "picture", "video", "audio", "svg", "math", "canvas", "object", "embed", "iframe", "input", "select",
    "textarea", "button",
})


def _replace_own_text(element, translation: str) -> None:
    """Put ``translation`` where ``element``'s own text was; nested blocks keep theirs."""
    element.text = translation
    for child in list(element):
        holds_blocks = isinstance(child.tag, str) and (child.tag in _DOM_BLOCKS or any(
            isinstance(node.tag, str) and node.tag in _DOM_BLOCKS for node in child.iterdescendants()))
        if child.tail and child.tail.strip():
            child.tail = None
        if holds_blocks or not isinstance(child.tag, str) or child.tag in _NOT_TEXT:
            continue
        if any(node.tag in _EMBEDDED for node in child.iter() if isinstance(node.tag, str)):
            for node in child.iter():
                node.text = None
                if node is not child:
                    node.tail = None
        else:
            child.drop_tree()


def _declare_utf8(page) -> None:
    for meta in page.iter("meta"):
        if meta.get("charset") is not None:
            meta.set("charset", "utf-8")
        elif (meta.get("http-equiv") or "").lower() == "content-type":
            meta.set("content", "text/html; charset=utf-8")


def extract(html: str, path: str = "<html>") -> Extraction:
    """The main content of a page as blocks; refuses a page with none."""
    import trafilatura

    page = _parse(html, path)
    extracted = trafilatura.bare_extraction(
        copy.deepcopy(page), with_metadata=True, include_comments=False, include_tables=True, include_images=False,
        include_links=False, deduplicate=False, config=_trafilatura_config(),
    )
    index = _TextIndex(page)
    tree = page.getroottree()
    blocks: list[RawBlock] = []
    dropped: list[tuple[str, str]] = []
    for kind, text in _blocks_of(extracted.body if extracted is not None else None):
        element = index.locate(text)
        rule = chrome_rule(text)
        reason = rule.name if rule is not None else _page_chrome(element)
        if reason is not None:
            dropped.append((reason, text))
            continue
        blocks.append(RawBlock(text, kind, {"path": tree.getpath(element)} if element is not None else {}))
    title = _title(page, extracted.title if extracted is not None else None)
    if title is not None:
        title_text, element = title
        kept = next((i for i, block in enumerate(blocks) if _normalise(block.text) == title_text), None)
        if kept is not None:
            blocks[kept] = RawBlock(blocks[kept].text, "title", blocks[kept].locator)
        else:
            blocks.insert(0, RawBlock(title_text, "title", {"path": tree.getpath(element)}))
    if all(block.kind == "title" for block in blocks):
        raise DataError(f"{path}: no main content found in this web page (only a title, navigation, buttons or "
                        "notices); save the article's own page, or copy its text into a .txt file")
    return Extraction(blocks, dropped)


@lru_cache(maxsize=1)
def _trafilatura_config():
    """trafilatura's settings, but trusting its own extraction of a short article.

    By default an extraction under 250 characters sends trafilatura to its fallbacks, the last of
    which returns the whole page's text (menus included) as one paragraph: a two-paragraph
    statement would come back wrapped in its navigation. Here only an extraction shorter than
    ``MIN_ARTICLE_CHARS`` (an empty one) does; the six benchmark pages come out the same at 1
    and at 250.
    """
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_ARTICLE_CHARS))
    return config


def _decode(path: str) -> tuple[str, str | None]:
    """The page as text: UTF-8 (BOM or not), else the charset its meta tag declares, else Windows-1252."""
    decoded = read_text(path)
    if decoded.notice is None:
        return decoded.text, None
    raw = Path(path).read_bytes()
    declared = _META_CHARSET.search(raw[:4096])
    if declared is not None:
        try:
            return raw.decode(codecs.lookup(declared.group(1).decode("ascii")).name), None
        except (LookupError, UnicodeDecodeError):
            pass
    return decoded.text, decoded.notice


def _parse(html: str, path: str):
    import lxml.html
    from lxml import etree

    if _ENTITY_DECLARATION.search(html):
        raise DataError(f"{path}: refused: the page declares XML entities, which are not allowed "
                        "(they can expand without bound or read other files)")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, collect_ids=False)
    try:
        page = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise DataError(f"{path}: not a readable HTML page ({exc}); is it the right file?") from exc
    return page


def _blocks_of(body) -> list[tuple[str, str]]:
    """(kind, text) of each block of trafilatura's XML body, in order."""
    found: list[tuple[str, str]] = []
    if body is not None:
        _collect(body, found, in_quote=False)
    return found


def _collect(element, found: list[tuple[str, str]], in_quote: bool) -> None:
    """Gather ``element``'s own text as one block; nested blocks become blocks of their own."""
    kind = "quote" if in_quote or element.tag == "quote" else _BLOCK_KINDS.get(element.tag, "paragraph")
    pieces = [element.text or ""]

    def flush() -> None:
        text = _clean("".join(pieces))
        if text:
            found.append((kind, text))
        pieces.clear()

    for child in element:
        if child.tag in _SKIPPED:
            pass
        elif child.tag in _BLOCK_KINDS or child.tag in _CONTAINERS:
            flush()
            _collect(child, found, in_quote or element.tag == "quote")
        else:
            pieces.append(_inline_text(child))
        pieces.append(child.tail or "")
    flush()


def _inline_text(element) -> str:
    if element.tag == "lb":
        return "\n"
    return (element.text or "") + "".join(_inline_text(child) + (child.tail or "") for child in element)


def _clean(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.translate(_INVISIBLE).splitlines())
    return "\n".join(line for line in lines if line)


def _normalise(text: str) -> str:
    return " ".join(text.translate(_INVISIBLE).split())


def _page_chrome(element) -> str | None:
    """Why a block is the page's own navigation or footer by where it sits, or None.

    trafilatura keeps such text only when the page has no article to offer (then the menu is
    all there is); a footer inside an article (notes, credits) stays.
    """
    if element is None:
        return None
    for node in (element, *element.iterancestors()):
        role = node.get("role", "")
        if node.tag == "nav" or role == "navigation":
            return "page-navigation"
        if role == "contentinfo" or node.tag == "footer" and not any(a.tag in ("article", "main") for a in node.iterancestors()):
            return "page-footer"
    return None


def _title(page, metadata_title: str | None):
    """The h1 that is the page's title (the one trafilatura's metadata names), with its text."""
    headings = [(text, h1) for h1 in page.iter("h1") if (text := _normalise(h1.text_content()))]
    wanted = _normalise(metadata_title or "")
    if not wanted:
        return headings[0] if headings else None
    for text, h1 in headings:
        if text == wanted:
            return text, h1
    for text, h1 in headings:
        if len(text) >= 10 and text in wanted:
            return text, h1
    return None


class _TextIndex:
    """The page's visible text in document order, each character traced to the element holding it.

    A block is located by finding its text here (searching on from the previous block, so a
    repeated phrase finds its own occurrence); its element is the nearest block-level common
    ancestor of the text it spans.
    """

    def __init__(self, page) -> None:
        self._parts: list[str] = []
        self._starts: list[int] = []
        self._owners: list = []
        self._length = 0
        body = page.find("body")
        self._walk(body if body is not None else page)
        self._text = "".join(self._parts)
        self._cursor = 0

    def _emit(self, text: str, owner) -> None:
        """Append ``text`` with its whitespace collapsed as a browser shows it ("\\n" ends a block)."""
        if text != "\n":
            words = " ".join(text.translate(_INVISIBLE).split())
            text = (" " if text[:1].isspace() else "") + words + (" " if words and text[-1:].isspace() else "")
        previous = self._parts[-1][-1:] if self._parts else "\n"
        if previous in (" ", "\n") and text.startswith(" "):
            text = text[1:]
        if previous == "\n" and text == "\n" or not text:
            return
        self._parts.append(text)
        self._starts.append(self._length)
        self._owners.append(owner)
        self._length += len(text)

    def _walk(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _NOT_TEXT:
            return
        block = tag in _DOM_BLOCKS
        if block:
            self._emit("\n", None)
        if tag == "br":
            self._emit(" ", element.getparent())
        if element.text:
            self._emit(element.text, element)
        for child in element:
            self._walk(child)
            if child.tail:
                self._emit(child.tail, element)
        if block:
            self._emit("\n", None)

    def locate(self, text: str):
        """The block-level element that holds ``text``, or None where the page does not have it as such."""
        wanted = _normalise(text)
        span = self._find(wanted) or self._find(wanted[:40], wanted[-40:], within=2 * len(wanted) + 100)
        if span is None:
            return None
        start, end = span
        self._cursor = end
        return self._block_of(start, end)

    def _find(self, head: str, tail: str | None = None, within: int = 0) -> tuple[int, int] | None:
        """The span of ``head`` (or of ``head`` … ``tail`` within ``within`` characters), after the cursor first."""
        for origin in (self._cursor, 0):
            start = self._text.find(head, origin)
            if start < 0:
                continue
            if tail is None:
                return start, start + len(head)
            end = self._text.find(tail, start)
            if 0 <= end and end + len(tail) - start <= within:
                return start, end + len(tail)
        return None

    def _block_of(self, start: int, end: int):
        first = bisect_right(self._starts, start) - 1
        last = bisect_right(self._starts, end - 1) - 1
        owners = [owner for owner in self._owners[first:last + 1] if owner is not None]
        if not owners:
            return None
        common = owners[0]
        for owner in owners[1:]:
            common = _common_ancestor(common, owner)
        while common.tag not in _DOM_BLOCKS and common.getparent() is not None:
            common = common.getparent()
        return common


def _common_ancestor(a, b):
    ancestors = {a, *a.iterancestors()}
    return next((node for node in (b, *b.iterancestors()) if node in ancestors), a)
