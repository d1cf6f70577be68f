"""Countries named in a French source and its English translation, each name a whole span.

A small model confuses countries (seen: "RPDC" → "Russian", the Republic of Korea drafted as
the Democratic People's Republic of Korea), and a name can hold another's ("Guinea" in "Papua
New Guinea", "Niger" in "Nigeria"): the longest name that matches claims its words
(:func:`_claimed`), so a country is named only where a whole name of it stands. Used by
:mod:`align.entities` for the entity-added and entity-missing flags.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass


def fold(text: str) -> str:
    """Lower-case without accents, so "Kinshasa" matches whatever accents English keeps."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Country:
    """A country a small model confuses with others (seen: "RPDC" → "Russian", → "China").

    ``names`` are its French names with their English renderings, matched as whole words (for
    the missing-name check and for glossing a source before a constrained retry); ``cues`` are
    accent-free word prefixes of any French reference to it (adjectives, capitals), so that a
    draft naming it is not flagged as adding it; ``english`` are the English words naming it.
    """

    name: str
    names: tuple[tuple[str, str], ...]
    cues: tuple[str, ...]
    english: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country("North Korea",
            (("République populaire démocratique de Corée", "Democratic People's Republic of Korea"),
             ("Corée du Nord", "North Korea")),
            ("coree du nord", "nord-core", "rpdc", "pyongyang", "republique populaire democratique de coree"),
            ("North Korea", "North Korean", "DPRK", "Pyongyang", "Democratic People's Republic of Korea")),
    Country("South Korea",
            (("République de Corée", "Republic of Korea"), ("Corée du Sud", "South Korea")),
            ("coree du sud", "sud-core", "republique de coree", "seoul"),
            ("South Korea", "South Korean", "Republic of Korea", "Seoul")),
    Country("Russia", (("Russie", "Russia"),), ("russ", "moscou", "moscov", "kremlin", "urss", "soviet"),
            ("Russia", "Russian", "Moscow", "Kremlin", "Soviet", "USSR")),
    Country("China", (("Chine", "China"),), ("chin", "pekin", "beijing"), ("China", "Chinese", "Beijing")),
    Country("Japan", (("Japon", "Japan"),), ("japon", "tokyo", "nippon"), ("Japan", "Japanese", "Tokyo")),
    Country("Ukraine", (("Ukraine", "Ukraine"),), ("ukrain", "kiev", "kyiv"),
            ("Ukraine", "Ukrainian", "Kiev", "Kyiv")),
    Country("Germany", (("Allemagne", "Germany"),), ("allema", "berlin", "rfa", "germanophon"), ("Germany", "German", "Berlin")),
    Country("Iran", (("Iran", "Iran"),), ("iran", "teheran"), ("Iran", "Iranian", "Tehran")),
    Country("Iraq", (("Irak", "Iraq"),), ("irak", "iraq", "bagdad"), ("Iraq", "Iraqi", "Baghdad")),
    Country("Syria", (("Syrie", "Syria"),), ("syri", "damas"), ("Syria", "Syrian", "Damascus")),
    Country("Israel", (("Israël", "Israel"),), ("israel", "tel-aviv", "tel aviv", "jerusalem"),
            ("Israel", "Israeli")),
    Country("Gaza Strip", (("bande de Gaza", "Gaza Strip"), ("Gaza", "Gaza")), ("gaza",), ("Gaza Strip", "Gaza", "Gazan")),
    Country("India", (("Inde", "India"),), ("inde", "indien", "new delhi"), ("India", "Indian")),
    Country("Turkey", (("Turquie", "Turkey"),), ("turqu", "ankara", "turc"),
            ("Turkey", "Turkish", "Ankara", "Turk")),
    Country("Spain", (("Espagne", "Spain"),), ("espagn", "madrid", "hispanophon"), ("Spain", "Spanish", "Madrid")),
    Country("Italy", (("Italie", "Italy"),), ("itali", "rome", "romain"), ("Italy", "Italian", "Rome")),
    Country("Poland", (("Pologne", "Poland"),), ("polo", "varsovie"), ("Poland", "Polish", "Warsaw")),
    Country("Mexico", (("Mexique", "Mexico"),), ("mexi",), ("Mexico", "Mexican")),
    Country("Brazil", (("Brésil", "Brazil"),), ("bresil", "brasil"), ("Brazil", "Brazilian")),
    Country("Canada", (("Canada", "Canada"),), ("canad", "ottawa", "quebec"), ("Canada", "Canadian", "Ottawa")),
    Country("Australia", (("Australie", "Australia"),), ("australi", "canberra", "sydney"),
            ("Australia", "Australian", "Canberra")),
    Country("New Zealand", (("Nouvelle-Zélande", "New Zealand"),), ("nouvelle-zeland", "neo-zeland", "wellington"),
            ("New Zealand",)),
    Country("United Kingdom", (("Royaume-Uni", "United Kingdom"),),
            ("royaume-uni", "royaume uni", "britan", "bretagne", "londres", "angleterre", "anglais", "ecoss", "gallois"),
            ("United Kingdom", "UK", "Britain", "British", "London")),
    Country("United States", (("États-Unis", "United States"),),
            ("etats-unis", "etasun", "americ", "ameriq", "washington", "maison blanche", "new york", "e.-u", "usa"),
            ("United States", "US", "U.S.", "USA", "America", "American", "Washington")),
    Country("Czech Republic", (("République tchèque", "Czech Republic"), ("Tchéquie", "Czechia")), ("tchequ", "tcheco", "prague"),
            ("Czech Republic", "Czechia", "Czech", "Prague")),
    # Countries whose names hold another's ("Guinea" in "Papua New Guinea", "Niger" in
    # "Nigeria"): matched as whole spans, the longest first (see _claimed).
    Country("Guinea", (("Guinée", "Guinea"),), ("guine", "conakry"), ("Guinea", "Guinean", "Conakry")),
    Country("Papua New Guinea", (("Papouasie-Nouvelle-Guinée", "Papua New Guinea"),), ("papouasie-nouvelle-guinee", "papouasie", "nouvelle-guinee", "port moresby"),
            ("Papua New Guinea", "PNG", "Port Moresby")),
    Country("Equatorial Guinea", (("Guinée équatoriale", "Equatorial Guinea"),), ("guinee equatoriale", "malabo"),
            ("Equatorial Guinea", "Malabo")),
    Country("Guinea-Bissau", (("Guinée-Bissau", "Guinea-Bissau"),), ("guinee-bissau", "bissau"),
            ("Guinea-Bissau", "Bissau")),
    Country("Niger", (("Niger", "Niger"),), ("niger", "niamey"), ("Niger", "Nigerien", "Niamey")),
    Country("Nigeria", (("Nigeria", "Nigeria"), ("Nigéria", "Nigeria")), ("nigeria", "abuja", "lagos"),
            ("Nigeria", "Nigerian", "Abuja", "Lagos")),
    Country("Sudan", (("Soudan", "Sudan"),), ("soudan", "khartoum"), ("Sudan", "Sudanese", "Khartoum")),
    Country("South Sudan", (("Soudan du Sud", "South Sudan"),), ("soudan du sud", "sud-soudan", "juba"),
            ("South Sudan", "South Sudanese", "Juba")),
    Country("Democratic Republic of the Congo",
            (("République démocratique du Congo", "Democratic Republic of the Congo"),),
            ("republique democratique du congo", "rdc", "rd congo", "congo-kinshasa", "kinshasa"),
            ("Democratic Republic of the Congo", "Democratic Republic of Congo", "DR Congo", "DRC", "Kinshasa")),
    Country("Republic of the Congo", (("République du Congo", "Republic of the Congo"),),
            ("republique du congo", "congo-brazzaville", "brazzaville"),
            ("Republic of the Congo", "Republic of Congo", "Congo-Brazzaville", "Brazzaville")),
)

COUNTRY_NAMES = frozenset(c.name for c in COUNTRIES)
# Prefixes a French adjective takes before a country's cue ("antisoviétique", "pro-russe").
_PREFIXES = r"(?:(?:anti|pro|post|pre|ex|pan|neo|ultra)-?)?"


def _claimed(text: str, patterns: tuple[tuple[Country, re.Pattern[str]], ...]) -> tuple[tuple[Country, int, int], ...]:
    """Where ``text`` names countries, each span once: the longest name that matches claims its
    words, so "Democratic People's Republic of Korea" is not also the "Republic of Korea", nor
    "Papua New Guinea" "Guinea", nor "Soudan du Sud" "Soudan"."""
    found = sorted(((c, m.start(), m.end()) for c, p in patterns for m in p.finditer(text)), key=lambda f: (f[1] - f[2], f[1]))
    taken: list[tuple[Country, int, int]] = []
    claimed = bytearray(len(text))  # 1 where a name already taken stands: no walk over every name taken
    for country, start, end in found:
        if claimed.find(1, start, end) == -1:
            taken.append((country, start, end))
            claimed[start:end] = b"\x01" * (end - start)
    return tuple(sorted(taken, key=lambda f: f[1]))


def _form_pattern(form: str) -> re.Pattern[str]:
    """Whole-word, plural-tolerant pattern; case-insensitive after a name's capital ("TURKEY",
    not the bird "turkey" nor "china" the porcelain) unless ``form`` is an acronym, which may be
    written with dots ("USA", "U.S.A."); an apostrophe may be typographic ("Democratic People’s
    Republic of Korea")."""
    if form.isupper() and form.isalpha():
        dotted = r"\.?".join(form)
        return re.compile(rf"(?<!\w){dotted}\.?(?:s|'s|’s)?(?!\w)")
    escaped = re.escape(form).replace("'", "['’]")
    if form.isupper():  # "U.S."
        return re.compile(rf"(?<!\w){escaped}(?:s|'s|’s)?(?!\w)")
    if form[0].isupper():
        rest = re.escape(form[1:]).replace("'", "['’]")
        return re.compile(rf"(?<!\w){re.escape(form[0])}(?i:{rest}(?:s|'s|’s)?)(?!\w)")
    return re.compile(rf"(?<!\w){escaped}(?:s|'s|’s)?(?!\w)", re.IGNORECASE)


# French cues (word prefixes, in folded text), French names (whole words, folded) and English
# names of every country, for _claimed.
_CUE_PATTERNS = tuple((c, re.compile(rf"(?<!\w){_PREFIXES}{re.escape(cue)}")) for c in COUNTRIES for cue in c.cues)
_FRENCH_NAME_PATTERNS = tuple(
    (c, re.compile(rf"(?<!\w){re.escape(fold(french))}(?!\w)")) for c in COUNTRIES for french, _ in c.names
)
_ENGLISH_PATTERNS = tuple((c, _form_pattern(form)) for c in COUNTRIES for form in c.english)


@functools.lru_cache(maxsize=4096)  # asked of each capitalised word a name check meets
def referred_countries(source: str) -> tuple[Country, ...]:
    """Countries any French word refers to (Corée du Nord, nord-coréen, Pyongyang, RPDC)."""
    claimed = {c for c, _, _ in french_country_spans(fold(source))}
    return tuple(c for c in COUNTRIES if c in claimed)


def english_countries(text: str) -> list[Country]:
    """Countries an English text names, each name a whole span (DPRK's full name is no ROK)."""
    claimed = {c for c, _, _ in english_country_spans(text)}
    return [c for c in COUNTRIES if c in claimed]


@functools.lru_cache(maxsize=8)  # each check of a pair asks again; a long text costs ~200 scans
def english_country_spans(text: str) -> tuple[tuple[Country, int, int], ...]:
    """Each country name of an English text with where it stands."""
    return _claimed(text, _ENGLISH_PATTERNS)


@functools.lru_cache(maxsize=8)
def french_country_spans(folded: str) -> tuple[tuple[Country, int, int], ...]:
    """Each word of a French text (folded by :func:`fold`) that refers to a country, with where
    it stands."""
    return _claimed(folded, _CUE_PATTERNS)


def _contains(text: str, form: str) -> bool:
    return _form_pattern(form).search(text) is not None


def added_countries(source: str, target: str) -> list[str]:
    """Countries the target names although nothing in the source refers to them ("(US-DEU)":
    an English name the source itself keeps is referred to), then countries the target names
    in place of one it lacks: "North Korea instead of South Korea" where the French names both
    and the English names North Korea more often than the French and South Korea not at all."""
    source_spans = french_country_spans(fold(source))
    referred = {c for c, _, _ in source_spans} | set(english_countries(source))
    named = english_country_spans(target)
    added = [c.name for c in COUNTRIES if c not in referred and any(c is n for n, _, _ in named)]
    missing = _missing_countries(source, {c for c, _, _ in named})
    if missing:
        source_counts = Counter(c for c, _, _ in source_spans)
        target_counts = Counter(c for c, _, _ in named)
        more = [c for c in COUNTRIES if c in referred and target_counts[c] > source_counts[c]]
        added += [f"{c.name}{SWAPPED}{lost}" for c, lost in zip(more, missing)]
    return added


# Joins the country a translation names to the one it names it in place of.
SWAPPED = " instead of "


def missing_countries(source: str, target: str) -> list[str]:
    """Countries the source names (Allemagne, Corée du Nord) that the target names in no way."""
    return _missing_countries(source, set(english_countries(target)))


def _missing_countries(source: str, present: set[Country]) -> list[str]:
    named = {c for c, _, _ in _claimed(fold(source), _FRENCH_NAME_PATTERNS)}
    return [c.name for c in COUNTRIES if c in named and c not in present]

