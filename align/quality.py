"""Quality checks on a French→English draft, so a reviewer knows which drafts not to trust.

Small machine-translation models fail in a few recognisable ways: they drop or alter numbers,
swap names ("RPDC" → "Russian"), leave French untranslated, stop early, loop, or pad. Each
check here is a cheap, deterministic heuristic returning flags such as ``number-missing:2270``;
:func:`severity` ranks drafts so that a repaired draft replaces the first one only when better.
The thresholds were set so that human reference translations (WMT newstest2013) rarely trip them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# French acronyms that change in English, with the English forms that count as kept.
ACRONYM_GLOSSARY: dict[str, tuple[str, ...]] = {
    "RPDC": ("DPRK", "North Korea", "North Korean"),
    "ONU": ("UN", "U.N.", "United Nations"),
    "UE": ("EU", "European Union"),
    "OTAN": ("NATO",),
    "FMI": ("IMF", "International Monetary Fund"),
    "OMS": ("WHO", "World Health Organization", "World Health Organisation"),
    "OMC": ("WTO", "World Trade Organization", "World Trade Organisation"),
    "BCE": ("ECB", "European Central Bank"),
    "AIEA": ("IAEA", "International Atomic Energy Agency"),
    "OCDE": ("OECD",),
    "PIB": ("GDP", "gross domestic product"),
    "ONG": ("NGO", "non-governmental organisation", "non-governmental organization"),
    "SIDA": ("AIDS",),
    "VIH": ("HIV",),
    "TVA": ("VAT", "value added tax"),
    "PME": ("SME", "small and medium"),
    "CPI": ("ICC", "International Criminal Court", "CPI", "consumer price"),
    "CIJ": ("ICJ", "International Court of Justice"),
    "HCR": ("UNHCR", "refugee agency"),
    "PNUD": ("UNDP",),
    "UA": ("AU", "African Union"),
    "OPEP": ("OPEC",),
    "ADN": ("DNA",),
    "ARN": ("RNA",),
    "OGM": ("GMO", "genetically modified"),
    "EI": ("IS", "ISIS", "Islamic State"),
    "EIIL": ("ISIL", "ISIS"),
    "PDG": ("CEO", "chief executive", "chairman"),
    "RDC": ("DRC", "Democratic Republic of the Congo", "Democratic Republic of Congo"),
    "RCA": ("CAR", "Central African Republic"),
    "EAU": ("UAE", "United Arab Emirates"),
    "URSS": ("USSR", "Soviet Union"),
    "CEDEAO": ("ECOWAS",),
    "RU": ("UK", "United Kingdom", "Britain"),
    "NU": ("UN", "United Nations"),
    "CSNU": ("UNSC", "Security Council"),
    "BEI": ("EIB",),
    "CE": ("EC", "European Commission"),
    "PS": ("PS", "Socialist"),
    "UMP": ("UMP",),
    "FN": ("FN", "National Front"),
}

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
    Country("Russia", (("Russie", "Russia"),), ("russ", "moscou", "kremlin", "urss", "soviet"),
            ("Russia", "Russian", "Moscow", "Kremlin", "Soviet", "USSR")),
    Country("China", (("Chine", "China"),), ("chin", "pekin", "beijing"), ("China", "Chinese", "Beijing")),
    Country("Japan", (("Japon", "Japan"),), ("japon", "tokyo", "nippon"), ("Japan", "Japanese", "Tokyo")),
    Country("Ukraine", (("Ukraine", "Ukraine"),), ("ukrain", "kiev", "kyiv"),
            ("Ukraine", "Ukrainian", "Kiev", "Kyiv")),
    Country("Germany", (("Allemagne", "Germany"),), ("allema", "berlin"), ("Germany", "German", "Berlin")),
    Country("Iran", (("Iran", "Iran"),), ("iran", "teheran"), ("Iran", "Iranian", "Tehran")),
    Country("Iraq", (("Irak", "Iraq"),), ("irak", "iraq", "bagdad"), ("Iraq", "Iraqi", "Baghdad")),
    Country("Syria", (("Syrie", "Syria"),), ("syri", "damas"), ("Syria", "Syrian", "Damascus")),
    Country("Israel", (("Israël", "Israel"),), ("israel", "tel-aviv", "tel aviv", "jerusalem"),
            ("Israel", "Israeli")),
    Country("India", (("Inde", "India"),), ("inde", "indien", "new delhi"), ("India", "Indian")),
    Country("Turkey", (("Turquie", "Turkey"),), ("turqu", "ankara", "turc"),
            ("Turkey", "Turkish", "Ankara", "Turk")),
    Country("Spain", (("Espagne", "Spain"),), ("espagn", "madrid"), ("Spain", "Spanish", "Madrid")),
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
            ("royaume-uni", "britan", "bretagne", "londres", "angleterre", "anglais", "ecoss", "gallois"),
            ("United Kingdom", "UK", "Britain", "British", "London")),
    Country("United States", (("États-Unis", "United States"),),
            ("etats-unis", "americ", "ameriq", "washington", "maison blanche", "new york", "e.-u", "usa"),
            ("United States", "US", "U.S.", "USA", "America", "American", "Washington")),
)

# Capitalised French words that are not names (institutions, titles, days) or that English
# renders differently; they are never required verbatim in the draft.
_NOT_NAMES = frozenset(
    """
    assemblée parlement gouvernement président présidente ministre ministres premier première
    conseil sécurité nations unies union européenne européen état états etat etats république
    populaire démocratique cour charte commission chambre sénat congrès cabinet garde sceaux
    monsieur madame mademoiselle m mme mlle dr docteur saint sainte haut haute secrétaire général
    générale affaires étrangères étrangère intérieur justice défense nord sud est ouest orient
    royaume uni unis fédération fédéral fédérale mer océan golfe mont lac île îles pays bas
    bourse banque centrale fonds monétaire international internationale organisation mondiale
    parti socialiste républicain républicains démocrate démocrates national nationale front
    dieu église eglise pape roi reine prince princesse empire guerre mondiale seconde
    lundi mardi mercredi jeudi vendredi samedi dimanche noël pâques internet web
    centre ministère université musée société institut agence office palais maison blanche
    suprême constitutionnel constitutionnelle grand grande petit nouveau nouvelle vieux ancien
    professeur maître général capitaine colonel lieutenant sergent commandant mondial coupe
    ligue championnat jeux olympiques festival prix trésor hôpital école lycée collège
    dre laboratoire laboratoires procureur administration révérend père mère frère sœur la le les
    """.split()
)

# French/English function words: a draft with more French than English ones is untranslated.
_FRENCH_FUNCTION_WORDS = frozenset(
    """
    le la les de des du un une et est sont été être ont avait avoir que qui quoi dans pour pas sur à
    avec au aux ces cette cet ce il elle ils elles nous vous leur leurs son sa ses mon ma mes notre nos
    mais ou où donc car ni ne plus très aussi comme selon après avant depuis entre chez sans
    sous vers dont lors tout tous toute toutes peu déjà été fait faire dit selon alors encore
    """.split()
)
_ENGLISH_FUNCTION_WORDS = frozenset(
    """
    the of and to in is are was were be been has have had that which who what for not on with
    at by this these those it its he she they we you their his her our from as but or an a
    will would could should can may also more than after before since between without into
    """.split()
)

_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "first": "1", "second": "2", "third": "3", "half": "0.5", "dozen": "12", "hundred": "100",
    "thousand": "1000", "fifteen": "15", "twenty": "20", "thirty": "30", "fifty": "50",
}

_SPACES = "\u0020\u00a0\u202f\u2009"
# Digit groups separated by spaces (French thousands), dots or commas; one optional decimal part.
_NUMBER_RE = re.compile(rf"\d{{1,3}}(?:[{_SPACES},.]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")
_ACRONYM_RE = re.compile(r"\b[A-ZÀ-Ý][A-ZÀ-Ý0-9]*[A-ZÀ-Ý]\b")
_ROMAN_RE = re.compile(r"^[IVXLCDM]+$")
_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_CAPITALISED_RE = re.compile(r"(?<![\w-])([A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)*)")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;«»\"“”(]\s*)$")
_REPEATED_SPAN_RE = re.compile(r"(\S.{1,40}?)\1{3,}")
_DANGLING_END_RE = re.compile(
    r"(?:[,;:(\-–—]|\b(?:the|a|an|of|and|or|to|in|with|for|by|from|that|which|on|at|as))\s*$",
    re.IGNORECASE,
)

# Bounds on len(draft)/len(source) in characters; English runs about 10% shorter than French.
LENGTH_RATIO_RANGE = (0.5, 1.6)
_MIN_CHARS_FOR_RATIO = 30

# How much each flag kind weighs when choosing between candidate drafts.
_SEVERITY = {
    "empty": 100, "untranslated": 50, "looping": 40, "truncated": 20, "length-ratio": 15,
    "acronym-changed": 10, "name-added": 10, "number-missing": 8, "name-missing": 4,
}


def check_draft(source: str, draft: str) -> tuple[str, ...]:
    """Quality flags for ``draft`` as a translation of ``source`` (empty tuple: nothing seen)."""
    if not source.strip():
        return ()
    if not draft.strip():
        return ("empty",)
    flags: list[str] = []
    if _is_untranslated(source, draft):
        flags.append("untranslated")
    if _is_looping(source, draft):
        flags.append("looping")
    if _DANGLING_END_RE.search(draft) and not _DANGLING_END_RE.search(source):
        flags.append("truncated")
    if len(source) >= _MIN_CHARS_FOR_RATIO:
        ratio = len(draft) / len(source)
        if not LENGTH_RATIO_RANGE[0] <= ratio <= LENGTH_RATIO_RANGE[1]:
            flags.append("length-ratio")
    flags += [f"number-missing:{n}" for n in missing_numbers(source, draft)]
    flags += [f"acronym-changed:{a}" for a in changed_acronyms(source, draft)]
    flags += [f"name-added:{c}" for c in added_countries(source, draft)]
    flags += [f"name-missing:{n}" for n in missing_countries(source, draft) + missing_names(source, draft)]
    return tuple(flags)


def severity(flags: tuple[str, ...]) -> int:
    """A score to minimise when picking among candidate drafts."""
    return sum(_SEVERITY.get(flag.split(":", 1)[0], 5) for flag in flags)


def _canonical_number(text: str) -> str | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return format(value.normalize(), "f")


def number_readings(token: str) -> set[str]:
    """Canonical values ``token`` can denote, French ("1 000,5") or English ("1,000.5") style."""
    compact = re.sub(f"[{_SPACES}]", "", token)
    readings = set()
    for thousands, decimal in ((".", ","), (",", ".")):
        parts = compact.rsplit(decimal, 1)
        integer = parts[0]
        if thousands in integer and not re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})+", integer):
            continue
        integer = integer.replace(thousands, "")
        if not integer.isdigit() or (len(parts) == 2 and not parts[1].isdigit()):
            continue
        value = _canonical_number(integer + ("." + parts[1] if len(parts) == 2 else ""))
        if value is not None:
            readings.add(value)
    return readings


def _numbers_in(text: str) -> list[tuple[str, set[str]]]:
    return [(m.group(0), number_readings(m.group(0))) for m in _NUMBER_RE.finditer(text)]


def missing_numbers(source: str, draft: str) -> list[str]:
    """Source numbers (as written in the source) with no matching value in the draft."""
    found: set[str] = set()
    for _, readings in _numbers_in(draft):
        found |= readings
    found |= {
        value for word, value in _NUMBER_WORDS.items() if re.search(rf"\b{word}\b", draft, re.IGNORECASE)
    }
    missing = []
    for written, readings in _numbers_in(source):
        if not readings & found:
            missing.append(re.sub(f"[{_SPACES}]", "", written))
    return list(dict.fromkeys(missing))


def _contains(text: str, form: str) -> bool:
    """Whole-word, plural-tolerant match; case-insensitive unless ``form`` is an acronym."""
    flags = 0 if form.isupper() else re.IGNORECASE
    return re.search(rf"(?<!\w){re.escape(form)}(?:s|'s|’s)?(?!\w)", text, flags) is not None


def _acronyms(text: str) -> list[str]:
    found = [a for a in _ACRONYM_RE.findall(text) if not _ROMAN_RE.match(a)]
    words = _WORD_RE.findall(text)
    if words and len(found) > len(words) / 2:  # an all-caps headline, not acronyms
        return []
    return list(dict.fromkeys(found))


def changed_acronyms(source: str, draft: str) -> list[str]:
    """Source acronyms whose English form is absent from the draft.

    Outside the glossary the acronym must survive as is, or with its letters reordered, since
    English puts the adjective first ("MS", modèle standard → "SM", standard model).
    """
    letters_in_draft = {"".join(sorted(a)) for a in _ACRONYM_RE.findall(draft)}
    changed = []
    for acronym in _acronyms(source):
        if acronym in ACRONYM_GLOSSARY:
            kept = any(_contains(draft, form) for form in ACRONYM_GLOSSARY[acronym])
        else:
            kept = _contains(draft, acronym) or "".join(sorted(acronym)) in letters_in_draft
        if not kept:
            changed.append(acronym)
    return changed


def _fold(text: str) -> str:
    """Lower-case without accents, so "Kinshasa" matches whatever accents English keeps."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def added_countries(source: str, draft: str) -> list[str]:
    """Countries the draft names although nothing in the source refers to them."""
    words = _fold(source)
    referred = [c for c in COUNTRIES if any(re.search(rf"(?<!\w){re.escape(cue)}", words) for cue in c.cues)]
    # "Democratic People's Republic of Korea" holds "Republic of Korea": names of the countries
    # the source refers to are taken out before looking for the others.
    rest = draft
    for form in sorted((f for c in referred for f in c.english), key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(form)}", " ", rest, flags=0 if form.isupper() else re.IGNORECASE)
    return [c.name for c in COUNTRIES if c not in referred and any(_contains(rest, f) for f in c.english)]


def missing_countries(source: str, draft: str) -> list[str]:
    """Countries the source names (Allemagne, Corée du Nord) that the draft names in no way."""
    words = _fold(source)
    return [
        c.name
        for c in COUNTRIES
        if any(re.search(rf"(?<!\w){re.escape(_fold(french))}(?!\w)", words) for french, _ in c.names)
        and not any(_contains(draft, form) for form in c.english)
    ]


def _is_country_word(folded_word: str) -> bool:
    return any(folded_word.startswith(cue) for c in COUNTRIES for cue in c.cues)


def _name_runs(source: str) -> list[list[str]]:
    """Runs of two or more capitalised words mid-sentence ("Ban Ki-moon", "Ri Yong Ho")."""
    runs: list[list[str]] = []
    run: list[str] = []
    last_end = -1
    for match in _CAPITALISED_RE.finditer(source):
        if run and source[last_end : match.start()] != " ":
            runs.append(run)
            run = []
        if run or not _SENTENCE_START_RE.search(source[: match.start()]):
            run.append(match.group(1))
        last_end = match.end()
    runs.append(run)
    return [r for r in runs if len(r) >= 2]


def missing_names(source: str, draft: str) -> list[str]:
    """Words of multi-word proper names (people, organisations) that the draft lacks.

    Single capitalised words are mostly places and nationalities that English renames
    ("Londres", "Américains"), so only runs of capitalised words are checked, and within them
    institution words and countries (see :func:`added_countries`) are skipped.
    """
    folded_draft = _fold(draft)
    missing = []
    for run in _name_runs(source):
        for name in run:
            folded = _fold(name)
            if folded in _NOT_NAMES or _is_country_word(folded):
                continue
            if not re.search(rf"(?<!\w){re.escape(folded)}", folded_draft):
                missing.append(name)
    return list(dict.fromkeys(missing))


def _is_untranslated(source: str, draft: str) -> bool:
    words = [w.lower() for w in _WORD_RE.findall(draft)]
    if len(words) >= 4 and _fold(draft.strip()) == _fold(source.strip()):
        return True
    french = sum(w in _FRENCH_FUNCTION_WORDS for w in words)
    english = sum(w in _ENGLISH_FUNCTION_WORDS for w in words)
    return french >= 3 and french > english


def _is_looping(source: str, draft: str) -> bool:
    words = [w.lower() for w in _WORD_RE.findall(draft)]
    fourgrams = Counter(zip(words, words[1:], words[2:], words[3:]))
    if fourgrams and max(fourgrams.values()) >= 3:
        return True
    if any(words[i] == words[i + 1] == words[i + 2] for i in range(len(words) - 2)):
        return True
    span = _REPEATED_SPAN_RE.search(draft)
    return span is not None and span.group(0) not in source
