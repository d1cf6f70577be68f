"""TMX 1.4b, the translation-memory format CAT tools exchange: one ``tu`` per bead, everything
that is not text in ``x-`` ``prop`` elements. XML cannot carry most C0 control characters: they
are dropped. Reading goes one unit at a time and leaves entities unresolved."""

from __future__ import annotations

import io
import re
from typing import Sequence, TextIO

from lxml import etree

from align import __version__
from align.errors import DataError
from align.records import Pair, locator_from_text, locator_text

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TMX_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
# Characters XML 1.0 cannot carry at all, even as character references.
_XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Inline elements whose content is markup from the original format, not text.
_TMX_CODE_ELEMENTS = {"bpt", "ept", "ph", "it", "ut"}


def drop_forbidden(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text)


def _ids_text(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _tmx_props(pair: Pair) -> list[tuple[str, str]]:
    props = [
        ("x-doc", pair.doc),
        ("x-src-ids", _ids_text(pair.src_ids)),
        ("x-tgt-ids", _ids_text(pair.tgt_ids)),
        ("x-score", repr(float(pair.score))),
        ("x-bead", pair.bead),
    ]
    props += [("x-flag", flag) for flag in pair.flags]
    optional = (("x-draft", pair.draft), ("x-status", pair.status), ("x-locator", locator_text(pair.locator)))
    props += [(kind, value) for kind, value in optional if value is not None]
    return props


def format_tmx(pairs: Sequence[Pair], src_lang: str, tgt_lang: str) -> str:
    out = io.StringIO()
    write_tmx(pairs, out, src_lang, tgt_lang)
    return out.getvalue()


def write_tmx(pairs: Sequence[Pair], out: TextIO, src_lang: str, tgt_lang: str) -> None:
    """Write the TMX of ``pairs`` to ``out`` one unit at a time: a whole tree of a million units
    would take several GB. The layout is lxml's pretty print of the whole tree."""
    header = etree.Element("header", {
        "creationtool": "align-workbench",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "align-jsonl",
        "adminlang": "en",
        "srclang": src_lang,
        "datatype": "plaintext",
    })
    # Declaration by hand: lxml writes it with single quotes, unlike every other TMX writer.
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n{_TMX_DOCTYPE}\n<tmx version="1.4">\n'
              f"  {etree.tostring(header, encoding='unicode')}\n")
    if not pairs:
        out.write("  <body/>\n</tmx>\n")
        return
    out.write("  <body>\n")
    for number, pair in enumerate(pairs, 1):
        tu = etree.Element("tu", tuid=str(number))
        for kind, value in _tmx_props(pair):
            etree.SubElement(tu, "prop", type=kind).text = drop_forbidden(value)
        for lang, text in ((src_lang, pair.src), (tgt_lang, pair.tgt)):
            tuv = etree.SubElement(tu, "tuv", {_XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = drop_forbidden(text)
        etree.indent(tu, space="  ", level=2)
        out.write(f"    {etree.tostring(tu, encoding='unicode')}\n")
    out.write("  </body>\n</tmx>\n")


def _seg_text(element: etree._Element) -> str:
    """Text of a ``seg`` or ``hi``, leaving out the content of inline code elements.

    Errors are ``'LINE: message'``, like those of :func:`_tmx_pair`.
    """
    parts = [element.text or ""]
    for child in element:
        if child.tag == "hi":
            parts.append(_seg_text(child))
        elif isinstance(child.tag, str) and child.tag not in _TMX_CODE_ELEMENTS:  # comments are skipped
            raise DataError(f"{child.sourceline}: unexpected <{child.tag}> inside <seg>")
        parts.append(child.tail or "")
    return "".join(parts)


def _source_tuv(langs: Sequence[str], src_lang: str) -> list[int]:
    """Indices of the tuvs in ``src_lang``: exact tag first, else the same primary language."""
    tags = [lang.lower().replace("_", "-") for lang in langs]
    wanted = src_lang.lower().replace("_", "-")
    exact = [i for i, tag in enumerate(tags) if tag == wanted]
    return exact or [i for i, tag in enumerate(tags) if tag.split("-")[0] == wanted.split("-")[0]]


def parse_tmx(data: bytes, name: str) -> list[Pair]:
    """The pairs of the ``tu`` elements of ``<tmx><body>``, read one unit at a time: each is freed
    once read, since the whole tree of a million-unit TMX takes about 6 GB."""
    units = etree.iterparse(io.BytesIO(data), events=("end",), tag="tu", resolve_entities=False,
                            no_network=True, load_dtd=False)
    pairs: list[Pair] = []
    body = header_lang = None
    try:
        for _, tu in units:
            if body is None:  # the header and the body's start tag are read by now
                root = tu.getroottree().getroot()
                _refuse_non_tmx(root)
                body, header = root.find("body"), root.find("header")
                header_lang = header.get("srclang") if header is not None else None
            if body is None or tu.getparent() is not body:
                continue
            _refuse_entity_references(tu)
            pairs.append(_tmx_pair(tu, len(pairs), header_lang))
            tu.clear()
            while tu.getprevious() is not None:
                del body[0]
        _refuse_entity_references(units.root)
        _refuse_non_tmx(units.root)
    except etree.XMLSyntaxError as exc:  # (line 0: an empty file)
        raise DataError(f"{name}:{exc.lineno or 1}: not well-formed XML ({exc.msg})") from None
    except DataError as exc:
        raise DataError(f"{name}:{exc}") from None
    return pairs


def _refuse_non_tmx(root: etree._Element) -> None:
    if root.tag != "tmx" or root.find("body") is None:
        raise DataError(f"{root.sourceline}: not a TMX file (expected <tmx> with a <body>)")


def _refuse_entity_references(element: etree._Element) -> None:
    """Entity references are left unresolved by the parser: reading on would silently lose text."""
    entity = next(element.iter(etree.Entity), None)
    if entity is not None:
        raise DataError(
            f"{entity.sourceline}: entity reference {entity.text} is not allowed in TMX; "
            f"write the text itself (or a character reference such as &#233;)"
        )


def _tmx_pair(tu: etree._Element, index: int, header_lang: str | None) -> Pair:
    """One ``tu`` as a pair; errors are ``'LINE: message'`` for the caller to prefix. (Children
    are read in one pass: ElementPath's ``findall`` per unit cost a quarter of the reading time.)"""
    tuvs = []
    props: dict[str, list[str]] = {}
    for child in tu:
        if child.tag == "tuv":
            tuvs.append(child)
        elif child.tag == "prop":
            props.setdefault(child.get("type", ""), []).append(child.text or "")
    if len(tuvs) != 2:
        raise DataError(f"{tu.sourceline}: <tu> has {len(tuvs)} <tuv>, expected 2 (source and target)")
    langs = [tuv.get(_XML_LANG) or tuv.get("lang") for tuv in tuvs]
    src_lang = tu.get("srclang") or header_lang
    if None in langs:
        raise DataError(f"{tu.sourceline}: <tuv> without xml:lang")
    if src_lang and src_lang.lower() != "*all*":
        matching = _source_tuv(langs, src_lang)
        if len(matching) != 1:
            raise DataError(
                f"{tu.sourceline}: expected one <tuv> in source language {src_lang}, found {len(matching)}"
            )
        src_index = matching[0]
    else:
        src_index = 0
    texts = []
    for tuv in (tuvs[src_index], tuvs[1 - src_index]):
        seg = next(tuv.iterchildren("seg"), None)
        if seg is None:
            raise DataError(f"{tuv.sourceline}: <tuv> without <seg>")
        texts.append(_seg_text(seg))

    def prop(kind: str, default: str | None = None) -> str | None:
        return props[kind][0] if kind in props else default

    def ids(kind: str, text: str) -> list[int]:
        """Ids from our prop; a TMX from elsewhere gets the unit's position (none for no text)."""
        value = prop(kind)
        if value is None:
            return [index] if text else []
        return [int(i) for i in value.split(",") if i]

    try:
        src_ids, tgt_ids = ids("x-src-ids", texts[0]), ids("x-tgt-ids", texts[1])
        score = float(prop("x-score", "1.0"))
    except ValueError as exc:
        raise DataError(f"{tu.sourceline}: bad number in <prop> ({exc})") from None
    return Pair(
        doc=prop("x-doc", ""),
        src_ids=src_ids,
        tgt_ids=tgt_ids,
        src=texts[0],
        tgt=texts[1],
        draft=prop("x-draft"),
        score=score,
        bead=prop("x-bead", f"{len(src_ids)}-{len(tgt_ids)}"),
        flags=props.get("x-flag", []),
        status=prop("x-status"),
        locator=locator_from_text(prop("x-locator"), str(tu.sourceline)),
    )
