"""XML from users (TMX memories, TBX glossaries) is parsed only once it declares no entities:
an external entity could read local files or the network, a nested one exhaust memory.

Entities can only be declared before the root element (in the DOCTYPE), so the check stops at
the root's start tag: for a TMX of a million units it reads a few bytes instead of building a
second tree of the whole file (a minute and 5 GB). The callers' parsers read the rest with
entities left unresolved (lxml ``resolve_entities=False``) and report what is not well-formed.
"""

from __future__ import annotations

import re

from align.errors import DataError

# A reference to a named entity other than XML's five: declared nowhere the parsers read (an
# external DTD is never fetched), so they would drop its text without a word.
_NAMED_REFERENCE_RE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_][\w.-]*);")


class _RootReached(Exception):
    """The root element has started: nothing after it can declare an entity."""


class _UntilRoot:
    """A parser target that builds nothing and stops the parse at the root element."""

    def start(self, tag: str, attrib: dict) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def refuse_entities(data: bytes, name: str) -> None:
    """Raise a one-line :class:`DataError` when ``data`` declares entities or is not XML up to its
    root element."""
    import defusedxml
    from defusedxml import ElementTree

    parser = ElementTree.DefusedXMLParser(target=_UntilRoot(), forbid_dtd=False, forbid_entities=True,
                                          forbid_external=True)
    try:
        parser.feed(data)
        parser.close()
    except _RootReached:
        return
    except defusedxml.DefusedXmlException:
        raise DataError(f"{name}: declares XML entities, which are never resolved; remove the DOCTYPE's entities") from None
    except ElementTree.ParseError as exc:
        raise DataError(f"{name}: not well-formed XML ({exc})") from None


def refuse_entity_references(data: bytes, name: str) -> None:
    """Raise a one-line :class:`DataError` when ``data`` refers to a named entity other than XML's
    five (``&nbsp;`` under an external DTD), for a parser that would drop its text without a
    word. (The TMX reader finds such references itself, with their line.)"""
    reference = _NAMED_REFERENCE_RE.search(data)
    if reference:
        entity = reference.group(1).decode("ascii", "replace")
        raise DataError(f"{name}: uses the XML entity &{entity};, which is never resolved; write the character itself")
