"""Sentence segmentation for French and English, with character offsets into the input.

Every later stage (drafting, embedding, alignment) works on these sentences, so a wrong split
here becomes a wrong bead there. The segmenter is rule-based: line structure first (a blank
line, a heading, a list item or a stray one-word line always stands alone; where lines are
whole paragraphs, every line break ends a unit), then one scan for candidates (terminal
punctuation; ';' or ':'; an unpunctuated gap before a capital, where a heading lost its line
break), each kept or rejected by looking at the word before it (abbreviation, initial, number,
unit, heading in capitals), the word after it (lower case, sentence starter, common noun) and,
for ';' and ':', whether they part the items of a list run into one line. Plain ``re`` and set
look-ups keep it well above 20,000 sentences per second on one core; eval/bench_segment.py
measures it against pySBD, punkt and spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from align.errors import DataError
from align.records import Segment

__all__ = ["segment", "LanguageRules", "SUPPORTED_LANGUAGES"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _listed(word: str, entries: frozenset[str]) -> bool:
    """Capitalised entries match as written ("M" is Monsieur, "m" a metre), others in any case."""
    return word in entries or word.casefold() in entries


@dataclass(frozen=True)
class LanguageRules:
    """What a language says about the words around a possible sentence end.

    Word lists are matched by :func:`_listed`.
    """

    never_final: frozenset[str]
    """Abbreviations that always have something after them in the sentence: titles before a
    name (M., Dr.) and connectives (cf., e.g.)."""
    abbreviations: frozenset[str]
    """Abbreviations that may also end a sentence (etc., Inc.): a break only before a word
    that usually opens a sentence."""
    sentence_starters: frozenset[str]
    """Words that open sentences and are seldom capitalised inside one."""
    name_particles: frozenset[str]
    """Starters that also begin surnames (Le Pen, De Gaulle): after an initial they are
    the rest of the name, not a new sentence."""
    clause_starters: frozenset[str]
    """Capitalised after ';' or ':', these open a new sentence (the UD French convention;
    running French text has a lower-case word there)."""
    enumeration_items: bool
    """Whether a list run into one line is split as its lines would be: each ';' ends an
    item and the ':' before them ends the introduction (a single ';' between two clauses
    does not split). French sets an enumeration's items on lines of their own, each but the
    last ending in ';', and those line ends already end a segment."""
    clause_openers: frozenset[str]
    """Subject pronouns and conjunctions: after ';' they open a clause of the same sentence
    (… éclata ; il est difficile …), not a list item."""
    lower_case_starts: bool
    """Whether a full stop after an ordinary word ends the sentence even before a lower-case
    word (French UD text has them: "à" for "À", which French keyboards make hard to type)."""
    run_in_starters: frozenset[str]
    """Capitalised right after a lower-case word with no punctuation between, these start a
    new sentence: a heading or list line whose line break was lost (PDF or web copies)."""
    run_in_common_nouns: bool
    """Whether a capitalised word that the text also writes in lower case starts a sentence
    when it comes between a lower-case content word and a lower-case word with no punctuation
    (French capitalises common nouns only there: "… mode d'administration Voie intraveineuse");
    the text's own usage, as in punkt, tells the common noun from a name (Paris)."""


_FRENCH_STARTERS = _words(
    """
    il ils elle elles on nous vous je j' tu ce cet cette ces cela ceci ça c'
    le la les l' un une des du de d' au aux
    en dans pour par sur sous avec sans selon après avant depuis pendant lors lorsque
    quand si mais et or donc puis ainsi alors cependant toutefois pourtant néanmoins
    enfin aussi parmi entre chez comme contrairement outre malgré dès vers
    tous toutes tout chaque plusieurs certains certaines aucun aucune
    son sa ses leur leurs notre nos votre vos mon ma mes
    qui que qu' quel quelle quels quelles quoi comment pourquoi où combien
    voici voilà ne n' s' y
    """
)

_FRENCH = LanguageRules(
    never_final=_words(
        """
        M MM Mme Mmes Mlle Mlles Mgr Mgrs Me Dr Drs Pr Prof St Ste Sts Stes Vve Mr Mrs
        Gén Gal Col Cdt Cne Lt Sgt Adj
        cf c.-à-d c-à-d p.ex ex av apr env vs resp réf var
        """
    ),
    abbreviations=_words(
        """
        etc al cit ibid id op loc inc ltd co cie corp sq sqq suiv éd coll trad dir
        p pp art n no nos vol chap ch t fig éq sect ann tél fasc liv lib tab
        auj boul ca contr fém fr hab inf masc ms pl sec sing sup suppl vb
        janv févr fév avr juil sept oct nov déc adj dép dpt bd qqn qqch max min
        J.-C
        """
    ),
    sentence_starters=_FRENCH_STARTERS,
    name_particles=_words("le la les l' de du d' des"),
    clause_starters=_FRENCH_STARTERS,
    enumeration_items=True,
    clause_openers=_words("il ils elle elles on je j' tu nous vous ce c' ça cela ceci "
                          "et ou mais donc car ni or"),
    lower_case_starts=True,
    run_in_starters=_words(
        """
        il ils elle elles ce cet cette ces ceci cela nous vous on si pour dans lorsque
        quand comme chez votre vos ne tous toutes afin après avant depuis pendant
        """
    ),
    run_in_common_nouns=True,
)

_ENGLISH = LanguageRules(
    never_final=_words(
        """
        Mr Mrs Ms Messrs Mmes Dr Drs Prof Rev Gen Col Lt Capt Sgt Maj Gov Sen Rep Hon
        Pres Adm Cmdr Supt Insp Mt Ft St
        e.g i.e cf vs viz
        """
    ),
    abbreviations=_words(
        """
        etc al inc ltd co corp jr sr bros dept univ est approx govt ave blvd rd
        a.m p.m u.s u.k u.n e.u d.c ph.d misc min max no nos p pp vol vols ch chap
        fig figs art sec sect para ed eds eq ref ca c nr op pt pts
        jan feb mar apr jun jul aug sep sept oct nov dec
        """
    ),
    sentence_starters=_words(
        """
        the a an this that these those it its he she they we i you his her their our my
        there here in on at for but and so if when while after before as however although
        though since because yet still meanwhile also some many most all each every no
        not one what who why how where which during according with without from by to
        of under over then now such other both last next once despite even only
        """
    ),
    name_particles=_words("de la le van von"),
    clause_starters=frozenset(),
    enumeration_items=False,
    clause_openers=frozenset(),
    lower_case_starts=False,
    run_in_starters=frozenset(),
    run_in_common_nouns=False,
)

SUPPORTED_LANGUAGES: dict[str, LanguageRules] = {"fr": _FRENCH, "en": _ENGLISH}

# Line structure. A paragraph separator counts as a blank line of its own.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028]")
_PARAGRAPH_SEPARATOR = "\u2029"
_LIST_ITEM = re.compile(
    r"(?:[-–—•*·▪►◦‣→]|\(?\d{1,3}[.)°]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])(?:\s|$)"
)
_SENTENCE_END_AT_LINE_END = re.compile(r"[.!?…][»”\"’')\]\s]*$")
_WRAP_SHARE = 0.75  # a line at least this share of the block's width was wrapped, not ended
_WRAP_WIDTHS = range(40, 121)  # hard-wrapped prose; shorter lines are items, longer paragraphs
_PROSE_SPACES = 10  # a line with fewer spaces is a link or a code, not a paragraph

# Places where a sentence may end, in text order:
# - stop: terminal punctuation, then closing quotes or brackets (French puts a no-break space
#   before »), then whitespace or the end of the run;
# - clause: a semicolon, or a colon before a capital;
# - gap: the space between a word and a capitalised word, with no punctuation (run-in heading).
# The leading look-ahead is a cheap filter that makes the scan three times faster.
_CANDIDATE = re.compile(
    r"(?=[.!?…;:\s])(?:"
    r"(?P<stop>(?:\.{2,}|…|[.!?])[.!?…]*(?:[\s\u00a0\u202f]?[»”]|[\"’')\]])*)(?=\s|$)"
    r"|(?P<clause>;(?=\s)|:(?=\s+(?:[A-ZÀ-Þa-zà-ÿ]|[-–—•]\s)))"
    r"|(?<=[\w)%])(?P<gap>\s+)(?=[A-ZÀ-Þ]))"
)
# A dash or bullet standing alone before a word: a list item run into the text.
_INLINE_BULLET = re.compile(r"[-–—•]\s")
# A word in capitals, with the optional plural of forms (VOIE(S)), or an acronym in brackets.
_CAPITALS_WORD = re.compile(
    r"[A-ZÀ-Þ][A-ZÀ-Þ'’/-]+(?:\(S\))?|\([A-ZÀ-Þ][A-ZÀ-Þ'’/-]+\)"
)
_CAPITALISED_WORD = re.compile(r"[A-ZÀ-Þ]['’]?[a-zà-ÿ]")  # Voie, N'utilisez
_TERMINAL = re.compile(r"[.!?…]")
_FULL_STOP = re.compile(r"[.!?…][»”\"’')\]]*\s")
_UP_TO_LAST_FULL_STOP = re.compile(r".*" + _FULL_STOP.pattern, re.DOTALL)
_SEMICOLON = re.compile(r";(?=\s)")
_LIST_REACH = 400  # characters searched on each side of a ';' or ':' for the list's items
_COMMON_NOUN_START = re.compile(r"([A-ZÀ-Þ][a-zà-ÿ]+),?\s+[a-zà-ÿ]")
_LOWER_CASE_WORD = re.compile(r"(?<![\w-])[a-zà-ÿ][a-zà-ÿ]*(?![\w-])")
_OPENERS = "«“\"'‘([{—–-¿¡ \u00a0\u202f"
_CLOSERS = "»”\"’')]}"
_NEXT_WORD = re.compile(r"[^\W\d_]++(?!\d)['’]?|\d")  # not the letters of CE1 or A4
_INITIAL = re.compile(r"(?:[A-ZÀ-Þ]h?\.-?)*[A-ZÀ-Þ]h?")  # J, J.-P, Ch
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.-?)+[^\W\d_]{1,2}")
_SINGLE_LOWER = re.compile(r"[a-zà-ÿ]")
_ELIDED = re.compile(r"(?:[a-zà-ÿ]{1,2}|qu|jusqu|lorsqu|puisqu)['’](.+)", re.IGNORECASE)  # l'art, d'al
_LIST_NUMBER = re.compile(r"\d{1,3}|[ivxlcIVXLC]{1,5}|[a-zA-Z]")


def segment(text: str, lang: str = "fr") -> list[Segment]:
    """Split ``text`` into sentences; ``seg.text == text[seg.start:seg.end]`` for each one."""
    rules = SUPPORTED_LANGUAGES.get(lang)
    if rules is None:
        raise DataError(f"unsupported language {lang!r} for segmentation (use 'fr' or 'en')")
    spans = (
        span
        for run_start, run_end in _runs(text)
        for span in _sentence_spans(text, run_start, run_end, rules)
    )
    return [Segment(i, text[start:end], start, end) for i, (start, end) in enumerate(spans)]


def _content_lines(text: str) -> Iterator[tuple[int, int] | None]:
    """Each line's stripped span in order, with ``None`` for a blank line."""
    position = 0
    for match in _LINE_BREAK.finditer(text):
        yield from _stripped_line(text, position, match.start())
        position = match.end()
    yield from _stripped_line(text, position, len(text))


def _stripped_line(text: str, start: int, end: int) -> Iterator[tuple[int, int] | None]:
    """The stripped span of ``text[start:end]``, split at paragraph separators."""
    for index, piece in enumerate(text[start:end].split(_PARAGRAPH_SEPARATOR)):
        if index:
            yield None
        stripped = piece.strip()
        if stripped:
            piece_start = start + piece.index(stripped[0])
            yield piece_start, piece_start + len(stripped)
        else:
            yield None
        start += len(piece) + 1


def _blocks(text: str) -> Iterator[list[tuple[int, int]]]:
    """Groups of consecutive non-blank lines (paragraphs)."""
    block: list[tuple[int, int]] = []
    for line in _content_lines(text):
        if line is not None:
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def _runs(text: str) -> Iterator[tuple[int, int]]:
    """Stretches of text in which sentences may continue across line ends."""
    for block in _blocks(text):
        wrap_width = _wrap_width(block)
        typed_breaks = any(_is_paragraph_line(text, line) for line in block)
        run_start = block[0][0]
        for previous, line in zip(block, block[1:]):
            if typed_breaks or _line_ends_unit(text, previous, line, wrap_width):
                yield run_start, previous[1]
                run_start = line[0]
        yield run_start, block[-1][1]


def _is_paragraph_line(text: str, line: tuple[int, int]) -> bool:
    """A line of prose longer than any hard wrap: its block was typed a paragraph a line, so
    every break in it ends a unit (a long URL in a wrapped e-mail is no such line)."""
    start, end = line
    return end - start > _WRAP_WIDTHS[-1] and text.count(" ", start, end) >= _PROSE_SPACES


def _wrap_width(block: list[tuple[int, int]]) -> int:
    """The line width of hard-wrapped prose, or 0 when the block's lines are not wrapped."""
    lengths = [end - start for start, end in block]
    width = max(lengths)
    if len(block) < 3 or width not in _WRAP_WIDTHS:
        return 0
    full = sum(1 for length in lengths[:-1] if length >= _WRAP_SHARE * width)
    return width if full * 3 >= 2 * (len(lengths) - 1) else 0


def _line_ends_unit(
    text: str, previous: tuple[int, int], line: tuple[int, int], wrap_width: int
) -> bool:
    """Whether the break between two lines of one block ends a sentence, heading or item."""
    if _LIST_ITEM.match(text, line[0]):
        return True
    last_char = text[previous[1] - 1]
    if last_char == ";":
        return True
    if wrap_width and previous[1] - previous[0] >= _WRAP_SHARE * wrap_width:
        return False  # a wrapped line: the sentence rules decide, seeing only a space
    if last_char == ":":
        return True
    next_char = text[line[0]]
    ends_sentence = _SENTENCE_END_AT_LINE_END.search(text, previous[0], previous[1])
    return not (next_char.islower() and not ends_sentence)


def _sentence_spans(
    text: str, start: int, end: int, rules: LanguageRules
) -> Iterator[tuple[int, int]]:
    """Sentences of one run ``text[start:end]`` (which starts and ends on non-space)."""
    sentence_start = start
    for match in _CANDIDATE.finditer(text, start, end):
        boundary = match.start() if match.lastgroup == "gap" else match.end()
        if (
            match.start() < sentence_start
            or boundary >= end
            or not _is_boundary(text, (start, end), sentence_start, match, rules)
        ):
            continue
        if match.lastgroup == "stop":
            boundary = _after_closing_quote(text, start, boundary, end)
        yield sentence_start, boundary
        sentence_start = _skip_space(text, boundary, end)
    if sentence_start < end:
        yield sentence_start, end


def _after_closing_quote(text: str, run_start: int, boundary: int, end: int) -> int:
    """Take a spaced straight quote (``bête ! " Les``) into the sentence it closes.

    Standing alone, the quote could close this sentence or open the next; an odd number of
    quotes since the start of the paragraph says it closes (a quote may span sentences).
    """
    quote = _skip_space(text, boundary, end)
    closes = (
        quote < end
        and text[quote] == '"'
        and (quote + 1 == end or text[quote + 1].isspace())
        and text.count('"', run_start, boundary) % 2 == 1
    )
    return quote + 1 if closes else boundary


def _skip_space(text: str, position: int, end: int) -> int:
    while position < end and text[position].isspace():
        position += 1
    return position


def _is_boundary(
    text: str,
    run: tuple[int, int],
    sentence_start: int,
    match: re.Match[str],
    rules: LanguageRules,
) -> bool:
    """Decide one candidate ``match`` inside the sentence begun at ``sentence_start``."""
    if match.lastgroup == "gap":
        return _run_in_heading_ends(text, sentence_start, match, rules)
    end = run[1]
    next_start = _skip_space(text, match.end(), end)
    if _INLINE_BULLET.match(text, next_start):
        return True  # "… suivants : - si vous …" and "… (voir 6.1). - si vous …"
    if match.lastgroup == "clause" and rules.enumeration_items and _ends_list_part(
        text, run, match, rules
    ):
        return True
    next_text = text[next_start : next_start + 40].lstrip(_OPENERS)
    if not next_text:
        return False
    if next_text[0].islower():  # « Quoi ? » dit-il. / etc. et ainsi de suite
        return match.group() == "." and _lower_case_start(
            text, sentence_start, match.start(), next_text, rules
        )
    if match.lastgroup == "stop":
        return _stop_ends_sentence(text, sentence_start, match, next_text, rules)
    # a clause mark: ';' or ':'
    if _first_word(next_text) in rules.clause_starters:
        return True
    # French writes lower case after ':' but for a name, a quotation or a new sentence:
    # a capitalised common noun there opens one (Tableau 4 : Effets indésirables …), unless
    # it opens a title inside brackets or quotes ((voir Annexe I : Résumé des …)).
    return (
        match.group() == ":"
        and rules.run_in_common_nouns
        and _capitalised_common_noun(text, next_text, rules)
        and not _inside_brackets(text, sentence_start, match.start())
    )


def _inside_brackets(text: str, start: int, position: int) -> bool:
    """Whether a bracket, guillemet or straight quote opened since ``start`` is still open."""
    before = text[start:position]
    return (
        before.count("(") > before.count(")")
        or before.count("«") > before.count("»")
        or before.count('"') % 2 == 1
    )


def _ends_list_part(
    text: str, run: tuple[int, int], mark: re.Match[str], rules: LanguageRules
) -> bool:
    """Whether a ';' or ':' ends a part of a list run into one line, as a line end would: the
    list has two or more ';' between two full stops, each ending an item (no clause opener
    after it), and the first ':' before them ends the list's introduction (« Le comité :
    président : X ; trésorière : Y ; secrétaire : Z. »). A single ';' joins two clauses and
    stays inside the sentence."""
    window_start = max(run[0], mark.start() - _LIST_REACH)
    window_end = min(run[1], mark.end() + _LIST_REACH)
    before = _UP_TO_LAST_FULL_STOP.match(text, window_start, mark.start())
    span_start = before.end() if before else window_start
    next_stop = _FULL_STOP.search(text, mark.end(), window_end)
    span_end = next_stop.start() if next_stop else window_end
    item_ends = [
        semicolon.start()
        for semicolon in _SEMICOLON.finditer(text, span_start, span_end)
        if _first_word(text[semicolon.end() : semicolon.end() + 40].lstrip(_OPENERS))
        not in rules.clause_openers
    ]
    if mark.group() == ";":
        return mark.start() in item_ends and len(item_ends) >= 2
    return text.find(":", span_start) == mark.start() and sum(
        position > mark.start() for position in item_ends
    ) >= 2


def _run_in_heading_ends(
    text: str, sentence_start: int, gap: re.Match[str], rules: LanguageRules
) -> bool:
    """Whether an unpunctuated ``gap`` before a capital ends a heading run into the next sentence.

    Signs that are rare inside a sentence: a heading in capitals (PROPRIÉTÉS
    PHARMACOLOGIQUES Propriétés…), or a lower-case word then a capitalised pronoun or
    conjunction (… à l'intention du public Ce document …), or a common noun (see
    ``LanguageRules.run_in_common_nouns``). Articles are left out of the second sign, since
    they also open titles and names (lire Le Monde).
    """
    next_text = text[gap.end() : gap.end() + 40]
    word = _word_before(text, sentence_start, gap.start())
    if word[:1].islower():  # not after a name (Kim Jong Il)
        if _TERMINAL.search(word):
            return False
        return _first_word(next_text) in rules.run_in_starters or (
            rules.run_in_common_nouns
            and _without_elision(word)[:1].islower()  # a surname follows d'Edmond (Maire)
            and _common_noun_starts(text, word, next_text, rules)
        )
    previous_words = text[max(sentence_start, gap.start() - 80) : gap.start()].split()[-2:]
    return (
        len(previous_words) == 2
        and all(_CAPITALS_WORD.fullmatch(previous) for previous in previous_words)
        and _CAPITALISED_WORD.match(next_text) is not None
    )


def _common_noun_starts(text: str, word: str, next_text: str, rules: LanguageRules) -> bool:
    """After the content ``word``, a capitalised noun then a lower-case word: Voie d'accès."""
    return word.casefold() not in rules.sentence_starters and _capitalised_common_noun(
        text, next_text, rules
    )


def _capitalised_common_noun(text: str, next_text: str, rules: LanguageRules) -> bool:
    """``next_text`` opens with a capitalised noun, then a lower-case word, and ``text`` also
    writes the noun in lower case elsewhere: a common noun, capitalised only to open."""
    match = _COMMON_NOUN_START.match(next_text)
    if not match:
        return False
    noun = match.group(1)
    lowered = noun[0].lower() + noun[1:]
    return lowered not in rules.sentence_starters and lowered in _lower_case_words(text)


@lru_cache(maxsize=1)
def _lower_case_words(text: str) -> frozenset[str]:
    """The words ``text`` writes in lower case, found once per text (the last one is kept)."""
    return frozenset(_LOWER_CASE_WORD.findall(text))


def _lower_case_start(
    text: str, sentence_start: int, punct_start: int, next_text: str, rules: LanguageRules
) -> bool:
    """A full stop after an ordinary word (no abbreviation), a unit after a number or a
    closing bracket, before a lower-case word."""
    if not rules.lower_case_starts or not _first_word(next_text):
        return False
    word = _word_before(text, sentence_start, punct_start)
    if word.endswith(")"):
        return True
    unit = word.lstrip("°").isalpha() and _after_number(  # 25 °C. à conserver, 3 mg. puis
        text, sentence_start, punct_start - len(word)
    )
    word = _without_elision(word)  # d'années, l'emploi; arrière-grand-mère, l'Isle-sur-le-Doubs
    ordinary = len(word) > 2 and all(len(part) > 1 and part.isalpha() for part in word.split("-"))
    return (
        (ordinary or unit)
        and not _listed(word, rules.abbreviations)
        and not _listed(word, rules.never_final)
    )


def _stop_ends_sentence(
    text: str, sentence_start: int, match: re.Match[str], next_text: str, rules: LanguageRules
) -> bool:
    """Decide terminal punctuation: is it the end, or an abbreviation, initial or cut?"""
    punct_start = match.start()
    closing = match.group()
    before = text[punct_start - 1] if punct_start > sentence_start else " "
    if before in "([":
        return False  # (…) and […] mark a cut, not an end
    if text[punct_start] != "." or closing.startswith(("..", "…")) or before in _CLOSERS:
        return True
    word = _word_before(text, sentence_start, punct_start)
    if not word:
        return True
    if punct_start - len(word) == sentence_start and _LIST_NUMBER.fullmatch(word):
        return False  # "2. Deux" opens a list item, it is not a sentence of its own
    closed = closing != "."  # (par ex.) ends a bracket: no name can follow the abbreviation
    if not closed and _listed(word, rules.never_final):
        return False
    next_word = _first_word(next_text)
    if _listed(word, rules.abbreviations):
        return next_word in rules.sentence_starters
    elided = _ELIDED.fullmatch(word)
    if elided and next_word.isdigit() and _listed(elided.group(1), rules.abbreviations):
        return False  # "l'art. 5": before a number the word is the abbreviation, not "art"
    if _INITIAL.fullmatch(word):
        if len(word) == 1 and _after_number(text, sentence_start, punct_start - 1):
            return next_word in rules.sentence_starters  # 30 F., 220 V.: a unit, not an initial
        return next_word in rules.sentence_starters and next_word not in rules.name_particles
    if _looks_abbreviated(word):
        return next_word in rules.sentence_starters
    return True


def _word_before(text: str, sentence_start: int, word_end: int) -> str:
    """The word ending at ``word_end`` (where a full stop or a gap is), without openers."""
    position = word_end
    while position > sentence_start and not text[position - 1].isspace():
        position -= 1
    return text[position:word_end].lstrip(_OPENERS)


def _after_number(text: str, sentence_start: int, word_start: int) -> bool:
    """Whether the word starting at ``word_start`` follows a number (30 F, 220 V, 2° C)."""
    before = text[max(sentence_start, word_start - 20) : word_start].split()
    return bool(before) and before[-1].rstrip("°")[-1:].isdigit()


def _without_elision(word: str) -> str:
    """The word after an elided article or pronoun: d'Edmond -> Edmond, l'emploi -> emploi."""
    elided = _ELIDED.fullmatch(word)
    return elided.group(1) if elided else word


def _first_word(text: str) -> str:
    match = _NEXT_WORD.match(text)
    return match.group().casefold().replace("’", "'") if match else ""


def _looks_abbreviated(word: str) -> bool:
    """A single lower-case letter (p., s.) or letters joined by dots (U.S., LL.AA.II.RR.)."""
    if "'" in word or "’" in word:
        return False  # l'a. is a word with its article, not a truncation
    return bool(_SINGLE_LOWER.fullmatch(word) or _DOTTED.fullmatch(word))
