"""XML from users (TMX memories, TBX glossaries) is parsed only once it declares no entities:
an external entity could read local files or the network, a nested one exhaust memory."""

from __future__ import annotations

from align.errors import DataError


def refuse_entities(data: bytes, name: str) -> None:
    """Raise a one-line :class:`DataError` when ``data`` declares entities or is not XML."""
    import defusedxml
    from defusedxml import ElementTree

    try:
        ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise DataError(f"{name}: declares XML entities, which are never resolved; remove the DOCTYPE's entities") from None
    except ElementTree.ParseError as exc:
        raise DataError(f"{name}: not well-formed XML ({exc})") from None
