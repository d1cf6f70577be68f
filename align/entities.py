"""Named entities on both sides of a French→English translation, and whether each is rendered.

A translation that invents an entity ("Head of the European Union", "Indian Ocean" for
Indopacifique) or drops one is wrong in a way a reader cannot see. Without a tagger or a
bilingual lexicon, an English capitalised word counts as *supported* when the French source
holds a word spelt like it (accents, endings and small spelling changes forgiven: Bruxelles →
Brussels, Indopacifique → Indo-Pacific), a country (:mod:`align.countries`), an acronym or
exonym from the tables of :mod:`align.name_tables`, or one of the French words its
``RENDERINGS`` lists for it (janvier → January, ministre → Minister). Unsupported capitalised
words are entities the translation added; French names with no such counterpart in the English
are entities it lost. A French sentence's first word is a name where it is no French word
(:mod:`align.french_words`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Callable

from align.countries import (
    COUNTRIES,
    COUNTRY_NAMES,
    SWAPPED,
    _contains,
    added_countries,
    english_countries,
    english_country_spans,
    fold,
    french_country_spans,
    missing_countries,
    referred_countries,
)
from align.french_words import in_dictionary
from align.name_acronyms import (
    GLOSSARY_NAMES,
    acronym_kept,
    acronyms_in,
    bracket_words,
    bracketed_pairs,
    glossary_names,
    glossed_by_the_same_acronym,
    name_initials,
    spells_out,
    spelt_out_in,
    spelt_out_before,
)
from align.name_mentions import (
    ELIDED_RE,
    WORD_RE,
    Mention,
    Spellings,
    french_mentions,
    is_acronym,
    mentions,
    rendering_matches,
    word_key,
)
from align.name_tables import ACRONYM_GLOSSARY, ENGLISH_NOT_NAMES, FRENCH_NOT_NAMES, RENDERINGS, renderings
from align.quantities import numeric_date_months

# Compared without accents, as words are ("Académie", "Sécurité").
_FOLDED_FRENCH_NOT_NAMES = frozenset(map(fold, FRENCH_NOT_NAMES))
_REPEAT_GAP = 4  # words between two mentions of one name that make it said twice
_CLAUSE_MARK_RE = re.compile(r"[,;:()\[\]—–]|\s-\s")  # a name said again past one is no loop
# The distinctive words of countries' English names, left to the country checks; the words the
# tables render ("People", "Republic", "United", "New") must be rendered like any other word, or
# "People of Our City" would pass for a piece of "Democratic People's Republic of Korea".
_ALL_COUNTRY_KEYS = frozenset(
    word_key(w) for c in COUNTRIES for form in c.english for w in WORD_RE.findall(form)
    if w[0].isupper() and (word_key(w) not in RENDERINGS or is_acronym(w))
)


def _keys(text: str) -> frozenset[str]:
    """Keys of the words of ``text`` and of the parts of its hyphenated words: "Tequila-jazz"
    is one word in French and two in English ("Tequila Jazz")."""
    words = WORD_RE.findall(text)
    return frozenset(word_key(w) for w in words) | {word_key(part) for w in words if "-" in w for part in w.split("-") if part}


@functools.lru_cache(maxsize=64)  # asked again for each flag of a pair, and for each mention
def english_support(source: str) -> Callable[[str], bool]:
    """Whether an English capitalised word renders something in the French ``source``."""
    source_keys = Spellings(_keys(source))
    source_acronyms = acronyms_in(source)
    kept = {c for c in COUNTRIES if any(form in source_acronyms for form in c.english)}  # "DPRK" in a French text
    given = {word_key(w) for c in {*referred_countries(source), *kept} for form in c.english for w in WORD_RE.findall(form)}
    given |= {
        word_key(w) for acronym in source_acronyms for form in ACRONYM_GLOSSARY.get(acronym, ()) for w in WORD_RE.findall(form)
    }
    # "05/11/2024": November, Nov., Sept.
    given |= {word_key(month[:n]) for month, _, _ in numeric_date_months(source) for n in (3, 4, None)}
    given |= {  # "NATO" for "Organisation du traité de l'Atlantique Nord"
        word_key(w) for acronym, _, _ in glossary_names(source) for form in GLOSSARY_NAMES[acronym] for w in WORD_RE.findall(form)
    }

    def rendered(word: str) -> bool:
        key = word_key(word)
        if key in given or key in _ALL_COUNTRY_KEYS:  # countries: see added_countries
            return True
        prefixes = [p.replace("-", "") for p in renderings(key)]
        if any(source_keys.starts_with(p) for p in prefixes):
            return True
        if is_acronym(word):  # or written as a word on the other side (UNICEF / Unicef)
            return acronym_kept(word, source, source_acronyms) or key in source_keys.keys or spelt_out_in(word, source)
        if _rendered_by_its_parts(word, rendered):  # "Deputy-Prime" for "vice-premier"
            return True
        return source_keys.alike(key)

    return rendered


def _rendered_by_its_parts(word: str, rendered: Callable[[str], bool]) -> bool:
    """A hyphenated ``word`` whose capitalised parts are each rendered: the languages hyphenate
    names differently; its lower-case parts ("US-based") are no name."""
    return "-" in word.strip("-") and all(rendered(part) for part in word.split("-") if part[:1].isupper())


def added_entities(source: str, target: str) -> list[str]:
    """Names in the English ``target`` that nothing in the French ``source`` renders, then
    names said twice in a row and countries the source does not refer to."""
    rendered = english_support(source)
    target_initials = name_initials(target)
    source_acronyms = acronyms_in(source)
    source_has_digits = any(c.isdigit() for c in source)
    source_names_a_day = bool(_FRENCH_WEEKDAY_RE.search(source))

    def explained(word: str, mention: Mention) -> bool:  # an acronym the target spells out, or a currency's code
        return is_acronym(word) and (
            word.replace(".", "") in target_initials or spelt_out_before(word, target, mention.start)
            or word in _CURRENCY_CODES and source_has_digits
        )

    def supported_name(mention: Mention) -> bool:  # "Mexico City" for "Mexico": a place's generic word
        words = [w for w in mention.words if fold(w) not in _GENERIC_PLACE_WORDS] or mention.words
        return (
            all(rendered(w) or explained(w, mention) for w in words)
            or _titled_person(mention, rendered)
            or spells_out(mention, source_acronyms)  # "Force Ouvrière" for "FO"
            or glossed_by_the_same_acronym(mention, target, source)
            or not source_names_a_day and _dates_a_report(mention, target)
        )

    found = mentions(target)
    supported = [supported_name(m) for m in found]
    for i, j in bracketed_pairs(found, target):  # "the Fed (Federal Reserve)": the full form of a rendered name
        supported[j] = supported[j] or supported[i]
    countries = _not_referred_back(added_countries(source, target), source, target)
    # a name inside a country's name the country flags already report: "Papua New Guinea"
    reported = [(s, e) for c, s, e in english_country_spans(target) if c.name in countries]
    added = [
        m.text for m, ok in zip(found, supported)
        if not ok and not any(s <= m.start and m.start + len(m.text) <= e for s, e in reported)
    ]
    return list(dict.fromkeys(added + repeated_mentions(source, target) + countries))


# The day a report gives ("on Friday") is a detail French translations of news often drop: an
# English weekday is no added name where the French names no day; one that names another day
# (mardi / Friday) is still flagged.
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_FRENCH_WEEKDAY_RE = re.compile(rf"\b(?:{'|'.join(RENDERINGS[day][0] for day in sorted(_WEEKDAYS))})s?\b", re.IGNORECASE)
# …as English dates with it: "on Friday", "last Tuesday", "Friday morning", "Tuesday's meeting"
# (not "according to Friday").
_DAY_BEFORE_RE = re.compile(r"\b(?:on|last|next|this|early|late|since|until|by|from|and|or)\s+$", re.IGNORECASE)
_DAY_AFTER_RE = re.compile(r"\s+(?:morning|afternoon|evening|night|and|or|through|to)\b", re.IGNORECASE)


def _dates_a_report(mention: Mention, target: str) -> bool:
    """``mention`` is one weekday that ``target`` uses as a date."""
    if len(mention.words) != 1 or word_key(mention.text) not in _WEEKDAYS:  # the key drops a possessive
        return False
    return (
        mention.text.endswith(("'s", "’s"))
        or _DAY_BEFORE_RE.search(target, max(mention.start - 8, 0), mention.start) is not None
        or _DAY_AFTER_RE.match(target, mention.start + len(mention.text)) is not None
    )


# ISO codes English writes before an amount whose currency the French leaves to the context
# ("CAD 44.9 million" / "44,9 millions"): a unit, which the number check covers, not a name.
_CURRENCY_CODES = frozenset("CAD USD EUR GBP AUD NZD CHF JPY CNY HKD SGD SEK NOK DKK INR RUB ZAR MXN BRL".split())


# French refers back to a country it named before by "ce pays", "le pays" ("Un soutien direct
# de ce pays", the DPRK of the sentence before) where English may name it again.
_FRENCH_COUNTRY_BACK_REFERENCE_RE = re.compile(r"\b(?:ce|cet|le|du|au|ledit|dudit)\s+pays\b", re.IGNORECASE)


def _titled_person(mention: Mention, rendered: Callable[[str], bool]) -> bool:
    """A rendered name after an office: "Technical Rescue Officer Andy Clayton" for "le
    spécialiste des secours techniques Andy Clayton". The name must follow the office's last
    word directly, and the words before it be common words or rendered, so that an office
    cannot bring in an organisation ("Xinhua Chairman") or a name of its own."""
    words = mention.words
    titles = [i for i, w in enumerate(words[:-1]) if fold(w) in _TITLE_WORDS]
    if not titles:
        return False
    t = titles[-1]
    name = words[t + 1 :]
    if not re.search(rf"\b{re.escape(words[t])}\s+{re.escape(name[0])}\b", mention.text) or not all(map(rendered, name)):
        return False
    return all(rendered(w) or in_dictionary(w.lower(), "en") for w in words[:t])


def _not_referred_back(added: list[str], source: str, target: str) -> list[str]:
    """The countries of ``added`` less those the source's "ce pays" may stand for: as many
    countries as it has such references that the target does not render as "the country",
    when the target adds no more than that."""
    plain = [c for c in added if SWAPPED not in c]
    references = len(_FRENCH_COUNTRY_BACK_REFERENCE_RE.findall(source)) - len(_COUNTRY_REFERENCE_RE.findall(target))
    if not plain or len(plain) > references:
        return added
    return [c for c in added if c not in plain]


# English words that a place's name takes where French names the place alone ("Mexico City" /
# Mexico, "the Ezulweni River" / l'Ezulweni, "Guantanamo Bay" / Guantanamo). Not "sea" or
# "ocean": "Indian Ocean" for Indopacifique, "North Sea" for a person, are inventions.
_GENERIC_PLACE_WORDS = frozenset("city county province district region river valley mountains hills bay".split())
# Words of office and rank that English puts, capitalised, right before a person's name where
# French writes the office in lower case or in other words ("Mayor José Paulet" / "le bourgmestre
# José Paulet", "Gazprom Chairman Alexei Miller" / "le directeur général de Gazprom"). Not
# "head": "Head of the European Union" is no office before a name.
_TITLE_WORDS = frozenset(
    """
    mayor chairman chairwoman chair chairperson president minister secretary officer commissioner
    inspector detective constable superintendent sheriff deputy barrister solicitor attorney lawyer
    judge justice magistrate coroner prosecutor professor doctor dean director manager coach
    captain skipper general colonel major lieutenant sergeant corporal commander admiral marshal
    brigadier governor senator congressman congresswoman representative councillor councilman
    councilwoman alderman speaker chancellor ambassador envoy spokesman spokeswoman spokesperson
    pm mp mep ceo cfo chief executive founder king queen prince princess duke duchess lord lady
    dame pope cardinal archbishop bishop reverend pastor imam rabbi sheikh emir premier staff
    """.split()
)


def unrendered_part(name: str, source: str) -> str:
    """The words of the English ``name`` that render nothing in the source: all of it for
    another name, "Head" for "Head of the European Union" (an altered name), nothing for a
    name said more often than the source says it ("DPRK soldiers of the DPRK")."""
    rendered = english_support(source)
    words = [w for w in WORD_RE.findall(name) if w[0].isupper() and fold(w) not in ENGLISH_NOT_NAMES]
    if not words:
        return name
    return " ".join(w for w in words if not rendered(w))


def _name_key(mention: Mention) -> str:
    """One name however it is inflected or spelt: "DPRK's" is "DPRK" said again."""
    return " ".join(map(word_key, mention.words))


def repeated_mentions(source: str, target: str) -> list[str]:
    """A name the target says twice a few words apart within a clause ("DPRK soldiers of the
    DPRK") where the source says no name twice so, and refers to it fewer times in all than the
    target names it: a model stuck on the name. ("between the DPRK and Russia, including the
    DPRK's export … of DPRK missiles" renders the source's RPDC, RPDC and nord-coréens; "when
    Kesha was 16, Kesha then …" is a translator's style for "elle".)"""

    def repeats(found: list[Mention], text: str) -> list[Mention]:
        ends: dict[str, int] = {}
        twice = []
        for m in found:
            name = _name_key(m)
            between = text[ends.get(name, 0) : m.start]
            if name in ends and len(between.split()) <= _REPEAT_GAP and not _CLAUSE_MARK_RE.search(between):
                twice.append(m)
            ends[name] = m.start + len(m.text)
        return twice

    if repeats(french_mentions(source), ELIDED_RE.sub(r"\1 ", source)):
        return []
    found = mentions(target)
    return [
        m.text for m in repeats(found, target)
        if _times_referred(m, source) < sum(_name_key(other) == _name_key(m) for other in found)
    ]


def _times_referred(mention: Mention, source: str) -> int:
    """How many times the French ``source`` refers to what the English ``mention`` names: any
    word for its country (RPDC, nord-coréens), else the French names that render it and the
    common words its table gives (an "Emperor" for each "empereur")."""
    countries = {c for c, _, _ in english_country_spans(mention.text)}
    if countries:
        return sum(c in countries for c, _, _ in french_country_spans(fold(source)))
    supports = (english_support(m.text) for m in french_mentions(source))
    named = sum(any(map(rendered, mention.words)) for rendered in supports)
    prefixes = [p for w in mention.words for p in renderings(word_key(w))]
    common = [word_key(w) for w in WORD_RE.findall(source) if w[0].islower()] if prefixes else []
    return named + sum(any(rendering_matches(p, key) for p in prefixes) for key in common)


@functools.lru_cache(maxsize=64)
def french_support(target: str) -> Callable[[str], bool]:
    """Whether a French capitalised word is rendered in the English ``target``."""
    target_keys = Spellings(_keys(target))
    prefixes = tuple(p.replace("-", "") for key in target_keys.keys for p in renderings(key))
    target_acronyms = acronyms_in(target)
    named = english_countries(target)

    def rendered(word: str) -> bool:
        key = word_key(word)
        if word in ACRONYM_GLOSSARY:
            return any(_contains(target, form) for form in ACRONYM_GLOSSARY[word])
        if fold(word) in _FOLDED_FRENCH_NOT_NAMES or any(c in named for c in referred_countries(word)):
            return True  # a country's name, capital or people, rendered by any name of it (Moscou / Russia)
        if is_acronym(word):
            return acronym_kept(word, target, target_acronyms) or key in target_keys.keys
        if _rendered_by_its_parts(word, rendered):  # "New-York" for "New York"
            return True
        return key.startswith(prefixes) or target_keys.alike(key)

    return rendered


def unrendered_french_part(name: str, target: str) -> str:
    """The words of the French ``name`` that the English ``target`` renders in no way:
    "DiCaprio" of "Leonardo DiCaprio" where the English keeps "Leonardo"; empty where it renders
    every word (a name said twice and rendered once, see :func:`_said_less_often`)."""
    rendered = french_support(target)
    return " ".join(w for w in WORD_RE.findall(name) if w[0].isupper() and not rendered(w))


def missing_entities(source: str, target: str) -> list[str]:
    """Names in the French ``source`` that the English ``target`` renders in no way, then
    countries the source names that the target does not."""
    rendered = french_support(target)
    source_text = ELIDED_RE.sub(r"\1 ", source)
    found = french_mentions(source)
    done = [_rendered_from_some_word_on(list(map(rendered, m.words)), m.words) for m in found]
    # a name and its other form in brackets, "Monts des Géants (Krkonoše)": either one renders both
    for i, m in enumerate(found):
        other = bracket_words(m, source_text)
        done[i] = done[i] or bool(other) and all(rendered(w) for w in other)
    bracketed = bracketed_pairs(found, source_text)
    for i, j in bracketed:
        done[i] = done[j] = done[i] or done[j]
    done = [ok or _glosses_its_words(m, source_text) for m, ok in zip(found, done)]  # renders no partner
    written_out = glossary_names(source_text)  # "République populaire démocratique de Corée" as "DPRK"
    rendered_acronyms = {a for a in {a for a, _, _ in written_out} if any(_contains(target, n) for n in GLOSSARY_NAMES[a])}
    spans = [(start, end) for acronym, start, end in written_out if acronym in rendered_acronyms]
    done = [ok or any(start <= m.start < end for start, end in spans) for m, ok in zip(found, done)]
    for i in _said_less_often(found, source, target):
        done[i] = False
    countries = missing_countries(source, target)

    def reported(name: str) -> bool:  # "Allemagne" is the country missing_countries names
        referred = {c.name for c in referred_countries(name)}
        return bool(referred) and referred <= set(countries)

    other_forms = {j for _, j in bracketed}  # one name, one flag: not "Krkonoše" of "Monts des Géants (Krkonoše)"
    missing = [m.text for k, (m, ok) in enumerate(zip(found, done)) if not ok and k not in other_forms and not reported(m.text)]
    missing = list(dict.fromkeys(missing + countries))
    if _ENGLISH_MONEY_RE.search(target):
        qualifier_ends = [m.end() for m in _CURRENCY_QUALIFIER_RE.finditer(source)]
        missing = [n for n in missing if not _qualifies_a_currency(n, source, qualifier_ends)]
    if _COUNTRY_REFERENCE_RE.search(target) and not _FRENCH_COUNTRY_WORD_RE.search(source):
        referred = next((n for n in missing if _may_be_a_country(n, source)), None)
        missing = [n for n in missing if n != referred]
    if _PRONOUN_START_RE.match(target):
        subject = next((m.text for m in found if not source[: m.start].strip(_OPENING_MARKS)), None)
        missing = [n for n in missing if n != subject]
    return missing


# "1 300 $ de Singapour", "5 milliards de dollars US": a country that says whose currency it is,
# which English writes into the sign ("S$1,300", "$5bn") or leaves to the context.
_CURRENCY_QUALIFIER_RE = re.compile(
    r"(?:[$€£]|\b(?:dollars?|livres?|francs?|couronnes?|pesos?|roupies?|roubles?|dinars?|rands?|yuans?|yens?))"
    r"\s+(?:de\s+|d['’]|des\s+)?",
    re.IGNORECASE,
)
_ENGLISH_MONEY_RE = re.compile(
    r"[$€£¥]|\b(?:dollars?|pounds?|francs?|crowns?|pesos?|rupees?|roubles?|rubles?|dinars?|rands?|yuan|yen)\b", re.IGNORECASE
)


def _qualifies_a_currency(name: str, source: str, qualifier_ends: list[int]) -> bool:
    """``name`` stands right after a currency (``qualifier_ends``: where each currency word
    and its "de" end, found once per source: a long source has many names to ask about)."""
    folded = name.lower()
    return any(
        source[end : end + len(name)].lower() == folded and not re.match(r"\w", source[end + len(name) : end + len(name) + 1])
        for end in qualifier_ends
    )


def _glosses_its_words(mention: Mention, text: str) -> bool:
    """``mention`` is an acronym in brackets after the words it abbreviates: "les objectifs du
    millénaire pour le développement (OMD)". The words carry the meaning, so an English that
    renders them need not keep the French acronym."""
    return (
        len(mention.words) == 1 and is_acronym(mention.text)
        and text[max(mention.start - 8, 0) : mention.start].rstrip().endswith(("(", "["))  # not all the text before
        and spelt_out_before(mention.text, text, mention.start)
    )


def _rendered_from_some_word_on(rendered: list[bool], words: tuple[str, ...]) -> bool:
    """A name whose words are rendered from one on to its last: given names and titles before
    the surname may go (Mary Martin / Martin, Gérard de Villiers / de Villiers), not a word
    inside it (Ri Yong Ho / Ri Ho); and a Korean or Chinese name, whose family name comes first
    and is what English says once the person is known (Kim Jong-un / Kim, Xi Jinping / Xi)."""
    if len(words) > 1 and rendered[0] and not any(rendered[1:]) and fold(words[0]) in _FAMILY_NAMES_FIRST:
        return True  # the family name alone: not "Ri Ho" for Ri Yong Ho
    return True in rendered and all(rendered[rendered.index(True) :])


# Korean and Chinese family names, written before the given name.
_FAMILY_NAMES_FIRST = frozenset(
    """
    kim lee park choi jung jeong kang cho yoon moon jang lim han oh shin seo kwon hwang ahn song ryu hong ri pak
    xi li wang zhang liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo mao deng jiang wen
    """.split()
)


def _said_less_often(found: list[Mention], source: str, target: str) -> list[int]:
    """The last French mention of each name the source says more often than the target renders
    it, where the target also names something the source does not: "entre Obama et … qu'Obama"
    as "between Wentzler and … Obama" is one mention swapped for another name, where a pronoun
    for the second mention ("Obama … he") adds no name and is a rendering."""
    said: dict[str, list[int]] = {}
    for i, m in enumerate(found):
        said.setdefault(_name_key(m), []).append(i)
    # countries are left to the country checks (English refers back to them with "it"), and
    # institutions and titles (la Cour … la Cour: "the court") are never required
    repeated = [
        places for places in said.values()
        if len(places) >= 2 and not referred_countries(found[places[0]].text)
        and not all(fold(w) in _FOLDED_FRENCH_NOT_NAMES for w in found[places[0]].words)
    ]
    fewer = [places[-1] for places in repeated if _times_rendered(found[places[0]], target) < len(places)]
    return fewer if fewer and added_entities(source, target) else []


def _times_rendered(mention: Mention, target: str) -> int:
    """How many capitalised words of the English ``target``, wherever they stand, render the
    last word of the French ``mention`` (Obama of Barack Obama); a country's name, which
    english_support lets pass for the country checks, renders no name here."""
    renders = english_support(mention.words[-1])
    return sum(n for w, n in _capitalised_words(target).items() if word_key(w) not in _ALL_COUNTRY_KEYS and renders(w))


@functools.lru_cache(maxsize=4)  # asked for each name a long source repeats
def _capitalised_words(text: str) -> Counter[str]:
    return Counter(w for w in WORD_RE.findall(text) if w[0].isupper())


# English refers back to a country by "the country" where French repeats its name ("la France"
# … "the country", "en Russie" → "in our country"): one country name is then rendered.
_COUNTRY_REFERENCE_RE = re.compile(
    r"\b(?:the|this|that|our|their|its|his|her)(?: (?:whole|entire|same|own))? (?:country|nation)\b", re.IGNORECASE
)
_FRENCH_COUNTRY_WORD_RE = re.compile(r"\b(?:pays|nation)\b", re.IGNORECASE)
# A person the French names first, as its sentence's subject, and English says as "He" or "She",
# as news English does once the person is known ("Trump s'est moqué des médias…" / "He joked
# about criticism…", "West n'est pas le seul rappeur…" / "He is one of…").
_PRONOUN_START_RE = re.compile(r"\W*(?:He|She)\b")
_OPENING_MARKS = " \t«»\"“”'‘’(—–-"


def _may_be_a_country(name: str, source: str) -> bool:
    """A country of the tables, or a one-word name French puts an article before (la France)."""
    if name in COUNTRY_NAMES:
        return True
    return " " not in name and re.search(rf"\b(?:la|le|l['’])\s*{re.escape(name)}\b", source, re.IGNORECASE) is not None
