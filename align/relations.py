"""Relations between two countries a sentence names. *Des troupes de la RPDC en Russie* are the
DPRK's troops in Russia; a translation that keeps both names can still reverse that ("Russian
troops to the DPRK", a draft of the seed statement under ``--quality best``), which no check of
names can see, since every name is there."""

from __future__ import annotations

import re

from align.countries import english_country_spans, french_country_spans, fold

# "… de la RPDC en Russie": the first country owns what the phrase is about, the second is where
# it is. The cue ends inside its word ("russ" of "russie"), so the gap starts with the word's rest.
_FRENCH_OWNER_RE = re.compile(r"(?:\bde|\bdu|\bdes|\bd')\s*(?:la |l')?$")
_FRENCH_PLACE_RE = re.compile(r"\w*\s+(?:en|au|aux|a|vers)\s+(?:la |le |les |l')?")
_ENGLISH_PLACE_RE = re.compile(r"\b(?:to|in|into|inside)\s+(?:the\s+)?$", re.IGNORECASE)
# Joins owner and place in a flag's value: ``relation-reversed:North Korea in Russia``.
RELATION_PLACE = " in "


def french_owner_places(source: str) -> list[tuple[str, str]]:
    """(owner, place) for each "… de A en B" of ``source``: A's people or things in B."""
    text = fold(source)
    spans = french_country_spans(text)
    return [
        (owner.name, place.name)
        for (owner, start, end), (place, next_start, _) in zip(spans, spans[1:])
        if owner is not place
        and _FRENCH_OWNER_RE.search(text[max(0, start - 8):start])
        and _FRENCH_PLACE_RE.fullmatch(text[end:next_start])
    ]


def _placed_in(target: str) -> set[str]:
    """Countries ``target`` names right after "to", "in" or "into" (a place, a destination)."""
    return {country.name for country, start, _ in english_country_spans(target)
            if _ENGLISH_PLACE_RE.search(target[max(0, start - 12):start])}


def reversed_relations(source: str, target: str) -> list[tuple[str, str]]:
    """(owner, place) for each relation of :func:`french_owner_places` that ``target`` turns
    round: it puts them in or to the owner and nowhere in the place."""
    relations = french_owner_places(source)
    if not relations:
        return []
    placed = _placed_in(target)
    return [(owner, place) for owner, place in relations if owner in placed and place not in placed]
