"""Numbers a French→English translation must keep: in digits, words, Roman ordinals and units.

French and English write numbers differently ("1 000,5" / "1,000.5", "15 h" / "3 p.m.",
"années 80" / "the Eighties", "XIXe siècle" / "19th century", "2,5 cm" / "1 inch"): each number
is read into the canonical values it can denote, and a source number is kept when the target
gives one of them (:func:`missing_numbers`, :func:`changed_numbers`; used by
:mod:`align.fidelity`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_ENGLISH_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100",
    "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
    "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11", "twelfth": "12", "thirteenth": "13",
    "fourteenth": "14", "fifteenth": "15", "sixteenth": "16", "seventeenth": "17", "eighteenth": "18",
    "nineteenth": "19", "twentieth": "20", "twenties": "20", "thirties": "30", "forties": "40", "fifties": "50",
    "sixties": "60", "seventies": "70", "eighties": "80", "nineties": "90", "half": "0.5",
    "dozen": "12", "decade": "10", "both": "2", "twice": "2", "once": "1", "single": "1", "double": "2", "pair": "2", "couple": "2",
}
_FRENCH_NUMBER_WORDS = {
    "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6", "sept": "7", "huit": "8",
    "neuf": "9", "dix": "10", "onze": "11", "douze": "12", "quinze": "15", "vingt": "20",
    "trente": "30", "quarante": "40", "cinquante": "50", "soixante": "60", "cent": "100", "vingts": "20",
}

_SPACES = "\u0020\u00a0\u202f\u2009"
# Digit groups separated by spaces (French thousands), dots or commas; one optional decimal part
# (a group of three is a thousands group only where no digit follows it: "June 18 2005"); or a
# chain of three or more dotted groups, a date or telephone number ("20.12.2012") unless its
# groups are thousands ("1.000.000").
_NUMBER_RE = re.compile(
    rf"\d+(?:\.\d+){{2,}}(?![.,]?\d)|\d{{1,3}}(?:[{_SPACES},.]\d{{3}}(?!\d))+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
)
# French numbers glued to letters or followed by "h" are ordinals, times and units ("8e", "1h30",
# "3D") that English writes otherwise: they are not required in the translation.
_GLUED_RE = re.compile(r"\d[^\W\d_]|\d\s?h\s?\d|[^\W\d_]\d")
# French times: "15 h" is 3 p.m. in English, and the minutes of "19 h 00" are not required.
_HOUR_RE = re.compile(r"\s?h(?:eures?)?\b")
_MINUTES_RE = re.compile(r"\d\s?h\s?$")
_FOLLOWING_WORD_RE = re.compile(r"\s*([^\W\d_]+)")
# An English clock time in dots ("5.30pm") gives its hour, as "17 h 30" does.
_CLOCK_RE = re.compile(r"\d{1,2}\.\d{2}$")
_AM_PM_RE = re.compile(r"\s?[ap]\.?m\b", re.IGNORECASE)
# "deux millions et demi", "12 ans et demi", "12 ans trois quarts", "3 h et quart": the number and
# a fraction (its "trois" is no number of its own).
_FRACTION_RE = re.compile(
    r"\s*(?:[^\W\d_]+\s+)?(?:et\s+(?P<half>demie?)|(?:et\s+)?(?P<three>trois)\s+quarts|et\s+(?P<quarter>quart))\b",
    re.IGNORECASE,
)
_FRACTION_AFTER_NUMBER_RE = re.compile(r"\d" + _FRACTION_RE.pattern, re.IGNORECASE)
# A decade by its last two digits ("the 80's", "les années 80") is the 1980s.
_DECADE_RE = re.compile(r"['’]?\d0['’]?s\b|\bann[ée]es\s+\d0\b", re.IGNORECASE)
_MULTIPLIERS = {"mille": 3, "million": 6, "millions": 6, "milliard": 9, "milliards": 9, "md": 9, "mds": 9,
                "mrd": 9, "mrds": 9, "thousand": 3, "billion": 9, "trillion": 12}
_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


# A date in figures, day or year first ("05/11/2024", "2024/11/5", "20.12.2012"): its middle
# group is the month, which English may write as a name ("November 5, 2024").
_NUMERIC_DATE_RE = re.compile(r"(?<![\d/.-])(?:\d{1,2}|\d{4})([/.-])(0?[1-9]|1[0-2])\1\d{1,4}(?![\d/-]|\.\d)")
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
)


def numeric_date_months(text: str) -> list[tuple[str, int, int]]:
    """The English names of the months of ``text``'s dates in figures, with where each month is."""
    return [(ENGLISH_MONTHS[int(m.group(2)) - 1], m.start(2), m.end(2)) for m in _NUMERIC_DATE_RE.finditer(text)]


def _month_named(month: str, text: str) -> bool:
    return re.search(rf"\b(?:{month}|{month[:3]}\.?|{month[:4]}\.)(?!\w)", text) is not None  # "Nov.", "Sept."


def _without_named_months(source: str, target: str) -> str:
    """``source`` with the month of each date in figures blanked where ``target`` names it."""
    for month, start, end in reversed(numeric_date_months(source)):
        if _month_named(month, target):
            source = source[:start] + " " * (end - start) + source[end:]
    return source


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


def _numbers_in(text: str, glued: bool = True) -> list[tuple[str, set[str]]]:
    """Numbers in digits with their readings, a following "mille"/"million" applied too."""
    found = []
    for m in _NUMBER_RE.finditer(text):
        if not glued and (
            _GLUED_RE.search(text[max(m.start() - 1, 0) : m.end() + 2]) or _MINUTES_RE.search(text, max(m.start() - 4, 0), m.start())
        ):
            continue
        readings = number_readings(m.group(0))
        dotted = m.group(0).split(".")
        if len(dotted) > 2 and not readings:
            found += [(group, number_readings(group)) for group in dotted]  # a date or telephone number
            continue
        if _CLOCK_RE.match(m.group(0)) and _AM_PM_RE.match(text, m.end()):
            readings.add(str(int(m.group(0).split(".")[0])))  # "5.30pm" is at 5
        if fraction := _FRACTION_RE.match(text, m.end()):
            part = Decimal("0.5") if fraction["half"] else Decimal("0.75") if fraction["three"] else Decimal("0.25")
            readings |= {_canonical_number(str(Decimal(r) + part)) or r for r in readings}
        if _HOUR_RE.match(text, m.end()) and m.group(0).isdigit() and 12 < int(m.group(0)) < 24:
            readings.add(str(int(m.group(0)) - 12))  # "15 h" is "3 p.m."
        following = _FOLLOWING_WORD_RE.match(text, m.end())
        exponent = _MULTIPLIERS.get(following.group(1).lower()) if following else None
        if exponent:
            readings |= {_canonical_number(str(Decimal(r).scaleb(exponent))) or r for r in readings}
        if _DECADE_RE.search(text[max(m.start() - 8, 0) : m.end() + 2]) and re.fullmatch(r"\d0", m.group(0)):
            readings |= {str(1900 + int(m.group(0))), str(2000 + int(m.group(0)))}
        found.append((re.sub(f"[{_SPACES}]", "", m.group(0)), readings))
    return found


def _word_numbers(text: str, words: dict[str, str], hyphenated: bool = False) -> list[tuple[str, set[str]]]:
    """Number words, and with ``hyphenated`` those inside hyphenated words ("a ten-year plan")."""
    found = _WORD_RE.findall(text)
    if hyphenated:
        found += [part for w in found if "-" in w for part in w.split("-")]
    return [(w, {words[w.lower()]}) for w in found if w.lower() in words]


# Words that scale the number words before them ("one and a half thousand", "two hundred").
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_NUMBER_PHRASE_WORD = r"(?:a|and|half|" + "|".join(_ENGLISH_NUMBER_WORDS) + ")"
_NUMBER_PHRASE_RE = re.compile(rf"\b{_NUMBER_PHRASE_WORD}(?:[\s-]+{_NUMBER_PHRASE_WORD})+\b", re.IGNORECASE)


def _english_number_phrases(text: str) -> list[tuple[str, set[str]]]:
    """Values of runs of English number words: "one and a half thousand" is 1500, "twenty-five"
    25, "two hundred" 200 (the words one by one are :func:`_word_numbers`)."""
    found = []
    for m in _NUMBER_PHRASE_RE.finditer(text):
        total, current = Decimal(0), Decimal(0)
        for word in re.split(r"[\s-]+", m.group(0).lower().strip()):
            if word == "half":
                current += Decimal("0.5")
            elif word in _SCALES:
                scaled = (current or 1) * _SCALES[word]
                total, current = (total + scaled, Decimal(0)) if _SCALES[word] >= 1000 else (total, scaled)
            elif word in _ENGLISH_NUMBER_WORDS and word not in ("both", "pair", "once", "twice", "single", "double"):
                current += Decimal(_ENGLISH_NUMBER_WORDS[word])
        value = _canonical_number(str(total + current))
        if value and value != "0":
            found.append((m.group(0).strip(), {value}))
    return found


# Runs of French number words: "quatre cent mille" is 400000, "quatre-vingt-dix" 90, "vingt et un" 21.
_FRENCH_SCALES = {"cent": 100, "cents": 100, "mille": 1000, "million": 10**6, "millions": 10**6, "milliard": 10**9,
                  "milliards": 10**9}
_FRENCH_PHRASE_WORD = "(?:" + "|".join([*_FRENCH_NUMBER_WORDS, *_FRENCH_SCALES]) + ")"
_FRENCH_PHRASE_RE = re.compile(
    rf"\b{_FRENCH_PHRASE_WORD}(?:(?:[\s-]+et[\s-]+(?:un|une|onze)|[\s-]+{_FRENCH_PHRASE_WORD})\b)+", re.IGNORECASE
)


def _french_phrase_value(phrase: str) -> str:
    """The value of a run of French number words (:data:`_FRENCH_PHRASE_RE`)."""
    total, current, previous = 0, 0, ""
    for word in re.split(r"[\s-]+", phrase.lower()):
        if word in _FRENCH_SCALES:
            scaled = (current or 1) * _FRENCH_SCALES[word]
            total, current = (total + scaled, 0) if _FRENCH_SCALES[word] >= 1000 else (total, scaled)
        elif word in ("vingt", "vingts") and previous == "quatre":
            current += 76  # quatre-vingt is 80, its 4 already counted
        else:
            current += int(_FRENCH_NUMBER_WORDS.get(word, "1" if word in ("un", "une") else "0"))
        previous = word
    return str(total + current)


_FRENCH_COMPOUND_RE = re.compile(rf"{_FRENCH_PHRASE_WORD}(?:-(?:et-)?(?:{_FRENCH_PHRASE_WORD}|un|une|onze))+", re.IGNORECASE)
_PER_CENT_RE = re.compile(r"\bpour\s+(cent)\b", re.IGNORECASE)


def _french_word_numbers(text: str) -> list[tuple[str, set[str]]]:
    """French number words, each also read as the run it stands in ("quatre" of "quatre cent
    mille" is 4 and 400000)."""
    runs = [(m.start(), m.end(), _french_phrase_value(m.group(0))) for m in _FRENCH_PHRASE_RE.finditer(text)]
    fractions = [(m.start("three"), m.end("three")) for m in _FRACTION_AFTER_NUMBER_RE.finditer(text) if m["three"]]
    fractions += [m.span(1) for m in _PER_CENT_RE.finditer(text)]  # "quatre-vingt pour cent": 80 %
    found, i = [], 0
    for m in _WORD_RE.finditer(text):
        value = _FRENCH_NUMBER_WORDS.get(m.group(0).lower())
        if value is None and _FRENCH_COMPOUND_RE.fullmatch(m.group(0)):
            value = _french_phrase_value(m.group(0))  # "quatre-vingt-dix-neuf" is 99
        if value is None or (m.start(), m.end()) in fractions:
            continue
        while i < len(runs) and runs[i][1] <= m.start():
            i += 1
        found.append((m.group(0), {value, runs[i][2]} if i < len(runs) and runs[i][0] <= m.start() else {value}))
    return found


def _english_numbers(text: str) -> list[tuple[str, set[str]]]:
    """Every number an English text gives, in digits, words, or runs of words."""
    return _numbers_in(text) + _word_numbers(text, _ENGLISH_NUMBER_WORDS, hyphenated=True) + _english_number_phrases(text)


def _values(numbers: list[tuple[str, set[str]]]) -> set[str]:
    return {value for _, readings in numbers for value in readings}


# A French metric quantity that English gives in imperial units is the same quantity when the
# English number, converted back by the usual factor, is within _CONVERSION_TOLERANCE of it
# ("2,5 cm" / "1 inch", "295 kg" / "650 pounds", "6 mètres" / "20 feet", "15 m" / "50ft",
# "272 millions de kg" / "600 million pounds"); so are days English counts in weeks ("15 jours" /
# "a fortnight", "8 jours" / "a week": French counts both ends).
_METRIC_UNITS = {
    "days/week": (r"jours?", r"weeks?", 7.0),
    "days/fortnight": (r"jours?", r"fortnights?", 14.0),
    "m³": (r"m3|m³|mètres? cubes?", r"cubic\s+f(?:ee|oo)t", 0.02832),
    "mm": (r"mm|millimètres?", r"inch(?:es)?", 25.4),
    "cm": (r"cm|centimètres?", r"inch(?:es)?", 2.54),
    "m": (r"m|mètres?", r"f(?:ee|oo)t|ft\b", 0.3048),
    "km": (r"km|kilomètres?", r"miles?", 1.609),
    "km/h": (r"km/h|kilomètres?/heure|kilomètres? à l'heure", r"mph|miles? (?:per|an) hour", 1.609),
    "kg": (r"kg|kilos?|kilogrammes?", r"pounds?|lbs?\b", 0.4536),
    "g": (r"g|grammes?", r"ounces?|oz\b", 28.35),
    "l": (r"l|litres?", r"gallons?", 3.785),
    "ha": (r"ha|hectares?", r"acres?", 0.4047),
}
_CELSIUS_RE = re.compile(r"\s*(?:°\s*C\b|degrés?(?:\s+Celsius)?)", re.IGNORECASE)
# American English gives temperatures in Fahrenheit without saying so ("a sunny 80 degrees").
_FAHRENHEIT_RE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:°\s*F\b|degrees?\s+Fahrenheit|Fahrenheit|(?:°|degrees?\b)(?!\s*(?:C\b|Celsius|centigrade)))",
    re.IGNORECASE,
)
_CONVERSION_TOLERANCE = 0.1
_TOLERANCE_FLOOR = {"°C": 10.0, "days/week": 10.0, "days/fortnight": 10.0}  # within 1 degree, 1 day
_QUANTITY_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(_ENGLISH_NUMBER_WORDS) + r"|an?|the)"  # "the fortnight": one
# "millions de kg", "million pounds": a scale between a number and its unit; "50ft" glued.
_FRENCH_SCALE_RE = re.compile(r"(?:\s*(mille|millions?|milliards?)\s+(?:de\s+|d['’]))?", re.IGNORECASE)
_METRIC_RES = {unit: re.compile(rf"\s*(?:{metric})(?!\w)", re.IGNORECASE) for unit, (metric, _, _) in _METRIC_UNITS.items()}
_IMPERIAL_RES = {
    unit: re.compile(
        rf"\b{_QUANTITY_NUMBER}(?:[\s-]+(thousand|million|billion|trillion))?(?:(?<=half)\s+an?)?(?:[\s-]+|(?<=\d))(?:{imperial})(?!\w)",
        re.IGNORECASE,
    )
    for unit, (_, imperial, _) in _METRIC_UNITS.items()
}


# The first number of a range carries the unit of the second: "1 to 4 inches", "entre 2,5 et 10 cm".
_ENGLISH_RANGE_START_RE = re.compile(rf"\b{_QUANTITY_NUMBER}\s*(?:to|-|–|and|or)\s*$", re.IGNORECASE)
_FRENCH_RANGE_END_RE = re.compile(r"\s*(?:à|et|-|–|ou)\s*\d+(?:[.,]\d+)?", re.IGNORECASE)


def _english_quantity(word: str) -> float:
    """The value of an English number in digits or a word ("an" inch is one)."""
    word = word.lower()
    return 1.0 if word in ("a", "an", "the") else float(_ENGLISH_NUMBER_WORDS.get(word, word.replace(",", "")))


def _imperial_in_metric(target: str) -> list[tuple[str, float]]:
    """English imperial quantities (and weeks) as (unit of _METRIC_UNITS, value in its French
    unit): "20 feet" is ("m", 6.1), "a fortnight" ("days/fortnight", 14); both ends of a range."""
    found = []
    for unit, (_, _, factor) in _METRIC_UNITS.items():
        for m in _IMPERIAL_RES[unit].finditer(target):
            values = [_english_quantity(m.group(1))]
            if start := _ENGLISH_RANGE_START_RE.search(target, max(m.start() - 24, 0), m.start()):
                values.append(_english_quantity(start.group(1)))
            found += [(unit, value * factor * _scale(m.group(2))) for value in values]
    found += [("°C", (float(m.group(1).replace(",", ".")) - 32) * 5 / 9) for m in _FAHRENHEIT_RE.finditer(target)]
    return found


def _scale(word: str | None) -> float:
    return 10.0 ** _MULTIPLIERS[word.lower()] if word else 1.0


def _converted(source: str, number: re.Match[str], converted: list[tuple[str, float]]) -> bool:
    """The French quantity at ``number`` is one of the target's ``converted`` imperial ones."""
    unit_at = number.end()
    if (range_end := _FRENCH_RANGE_END_RE.match(source, unit_at)) and not _unit_after(source, unit_at):
        unit_at = range_end.end()
    scale = _FRENCH_SCALE_RE.match(source, unit_at)
    units = _unit_after(source, scale.end())
    values = [float(v) * _scale(scale.group(1)) for v in number_readings(number.group(0))]
    return any(
        unit in units
        and abs(value - metric) <= _CONVERSION_TOLERANCE * max(abs(value), abs(metric), _TOLERANCE_FLOOR.get(unit, 0))
        for unit, metric in converted for value in values
    )


def _unit_after(source: str, position: int) -> list[str]:
    """The units of _METRIC_UNITS (or °C) that the French text names at ``position``."""
    units = [unit for unit, metric in _METRIC_RES.items() if metric.match(source, position)]
    return units + (["°C"] if _CELSIUS_RE.match(source, position) else [])


# Roman numerals up to 39 and the French ordinal ending after them ("XIXe" siècle), also
# read by align.entities, where "World War II" and "XIXe" are numbers, not names.
ROMAN_NUMERAL = r"X{0,3}(?:IX|IV|V?I{0,3})"
ROMAN_ORDINAL_ENDING = r"(?:e|er|ème|eme)"
_ROMAN_ORDINAL_RE = re.compile(rf"\b({ROMAN_NUMERAL}){ROMAN_ORDINAL_ENDING}\b")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman_numbers(text: str, numeral_re: re.Pattern[str] = _ROMAN_ORDINAL_RE) -> list[tuple[str, set[str]]]:
    """Roman numerals (``numeral_re``'s first group) with their value: "XIXe" (siècle) is 19."""
    found = []
    for m in numeral_re.finditer(text):
        digits = [_ROMAN_VALUES[c] for c in m.group(1)]
        if digits:
            value = sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))
            found.append((m.group(0), {str(value)}))
    return found


# A time with its minutes, French and English ("23 h 45", "23.45"): the English one's hour is the
# number the French hour must find, read so only where the source gives such a time.
_FRENCH_CLOCK_RE = re.compile(r"\b(?:[01]?\d|2[0-3])\s?h\s?[0-5]\d\b")
_ENGLISH_CLOCK_RE = re.compile(r"\b([01]?\d|2[0-3])[.:][0-5]\d\b")
# A Roman numeral after an English name ("Henry I", "Pope John XXIII"), where French writes the
# ordinal ("Henri Ier"); "I" alone is read so only there, and not after a sentence's first word
# ("Then I"), being the English pronoun elsewhere.
_REGNAL_RE = re.compile(rf"(?<=[\w,] )[A-Z][a-z]+ (?=[IVX])({ROMAN_NUMERAL})\b(?!['’])")


def missing_numbers(source: str, target: str) -> list[str]:
    """Source numbers in digits or Roman ordinals (as written in the source) with no matching
    value in the target, a metric quantity matching its imperial conversion."""
    found = _values(_english_numbers(target))
    source = _without_named_months(source, target)
    if _FRENCH_CLOCK_RE.search(source):  # "23 h 45" is "23.45"
        found |= {str(int(hour)) for hour in _ENGLISH_CLOCK_RE.findall(target)}
    regnal = found | _values(_roman_numbers(target, _REGNAL_RE))  # "Henri Ier" is "Henry I"
    missing = [written for written, readings in _numbers_in(source, glued=False) if not readings & found]
    missing += [written for written, readings in _roman_numbers(source) if not readings & regnal]
    if missing and (converted := _imperial_in_metric(target)):
        kept = {re.sub(f"[{_SPACES}]", "", m.group(0)) for m in _NUMBER_RE.finditer(source) if _converted(source, m, converted)}
        missing = [written for written in missing if written not in kept]
    return list(dict.fromkeys(missing))


def changed_numbers(source: str, target: str) -> list[str]:
    """Source numbers the target lacks: any in digits, and those in words ("trois") when the
    target has a number of its own in their place, in digits or a run of words ("quarante-huit
    heures" as "ninety-eight hours")."""
    missing = missing_numbers(source, target)
    target_numbers = _english_numbers(target)
    french_words = _french_word_numbers(source)
    source_values = _values(_numbers_in(source) + french_words)
    compounds = [(w, readings) for w, readings in _english_number_phrases(target)
                 if sum(word not in ("a", "and", "half") for word in re.split(r"[\s-]+", w.lower())) >= 2]  # not "a fourth"
    if any(not readings & source_values for _, readings in _numbers_in(target) + compounds):
        found = _values(target_numbers)
        missing += [w for w, readings in french_words if not readings & found]
    return list(dict.fromkeys(missing))


def unmatched_target_numbers(source: str, target: str) -> list[str]:
    """Numbers in digits in the target that the source has in no form (for messages)."""
    source_values = _values(_numbers_in(source) + _french_word_numbers(source))
    return [written for written, readings in _numbers_in(target) if not readings & source_values]
