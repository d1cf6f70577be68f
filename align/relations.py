"""Relations between two countries a sentence names. *Des troupes de la RPDC en Russie* are the
DPRK's troops in Russia; a translation that keeps both names can still reverse that ("Russian
troops to the DPRK", a draft of the seed statement under ``--quality best``), which no check of
names can see, since every name is there."""

from __future__ import annotations

import re

from align.countries import english_country_spans, french_country_spans, fold

# "… de la RPDC en Russie" or "en Russie de troupes de la RPDC": the country after "de" owns
# what the phrase is about, the one after "en" is where it is. A cue ends inside its word ("russ"
# of "russie"), so each gap starts with the word's rest.
_FRENCH_OWNER_RE = re.compile(r"(?:\bde|\bdu|\bdes|\bd')\s*(?:la |l')?$")
_FRENCH_PLACE_RE = re.compile(r"\b(?:en|au|aux|a|vers)\s+(?:la |le |les |l')?$")
_OWNER_THEN_PLACE_RE = re.compile(r"\w*\s+(?:en|au|aux|a|vers)\s+(?:la |le |les |l')?")
_PLACE_THEN_OWNER_RE = re.compile(r"\w*\s+(?:de|d')\s*\w+\s+(?:de|du|des|d')\s*(?:la |l')?")
_ENGLISH_PLACE_RE = re.compile(r"\b(?:to|in|into|inside)\s+(?:the\s+)?$", re.IGNORECASE)
# Joins owner and place in a flag's value: ``relation-reversed:North Korea in Russia``.
RELATION_PLACE = " in "


def french_owner_places(source: str) -> list[tuple[str, str]]:
    """(owner, place) for each "… de A en B" or "en B de … de A" of ``source``: A's people or
    things in B."""
    text = fold(source).replace("’", "'")
    spans = french_country_spans(text)
    relations = []
    for (first, start, end), (second, next_start, _) in zip(spans, spans[1:]):
        before, gap = text[max(0, start - 8):start], text[end:next_start]
        if first is second:
            continue
        if _FRENCH_OWNER_RE.search(before) and _OWNER_THEN_PLACE_RE.fullmatch(gap):
            relations.append((first.name, second.name))
        elif _FRENCH_PLACE_RE.search(before) and _PLACE_THEN_OWNER_RE.fullmatch(gap):
            relations.append((second.name, first.name))
    return relations


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
