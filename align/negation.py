"""Negations of a French sentence counted as English renders them, and those of its English.

A translation that loses a "not" says the opposite of its source. French and English negate
differently ("ne … que" is "only", "sans doute" "certainly", "n'a pas oublié" "remembers",
"uncomfortable" renders "inconfortable"), so :func:`french_negations` counts only what English
would say with a negation, and :func:`negation_lost` compares the counts (used by
:mod:`align.fidelity`).
"""

from __future__ import annotations

import bisect
import re
from typing import Callable

from rapidfuzz import fuzz

from align.countries import fold

# Words that negate by their meaning, beside any "ne" of their clause, and that English renders
# with "not", "cannot", "don't know" ("ignorer"), "no" or "lack" ("l'absence de"), "without his
# knowing" ("à son insu").
_MEANING_NEGATION = (
    r"\b(?:impossibles?|interdite?s?|incapables?|impossibilités?|ignor\w*|absence(?=(?:\s+\w+)?\s+d[e'’])|insu)\b"
)
# "ne … que" is "only", not a negation; "n'importe" is "any".
_FRENCH_NEGATION_RE = re.compile(
    r"\b(?:ne\b|n['’](?!importe))|\bsans\b|\bnon\b(?!\s+(?:plus|loin)\b)|\bnon-|" + _MEANING_NEGATION, re.IGNORECASE
)
# Negative words that negate without "ne" ("pas de", "ni … ni", "jamais plus").
_FRENCH_BARE_NEGATION_RE = re.compile(r"\b(?:ni|rien|jamais|aucun|aucune|nullement|pas)\b", re.IGNORECASE)
_MEANING_NEGATION_RE = re.compile(_MEANING_NEGATION, re.IGNORECASE)
# Words a "ne" waits for; a "ne" with none of them after it is "ne … que" (only), expletive, or
# governs one before it.
_NEGATIVE_WORD_LIST = r"pas|plus|jamais|rien|personne|aucune?|guère|point"
_NEGATIVE_WORDS = rf"(?:{_NEGATIVE_WORD_LIST})"
_NE = r"\bn(?:e\b|['’](?!importe))"
_NO_NEGATIVE_WORD_AFTER = rf"(?!\S*(?:\s+\S+){{0,2}}?\s+{_NEGATIVE_WORDS}\b)"
# "ne … que" across commas ("ne se présenterait, par contre, que si" is "would only come if").
_NE_QUE_RE = re.compile(
    r"\bn(?:e\s+|['’](?!importe))(?:(?!\b(?:pas|plus(?!\s+que?\b)|jamais|rien|personne|aucun|aucune|guère|point|nul|nulle|"
    r"nullement|aucunement|ni)\b)[^.;!?])*?\bque?\b",
    re.IGNORECASE,
)
# …but the "que" after a "ne" that a negative word before it governs is a conjunction: "rien
# n'indique que", "personne ne pense que".
_NEGATIVE_SUBJECT_RE = re.compile(
    r"\b(?:rien|(?<!toute\s)(?<!une\s)(?<!la\s)(?<!cette\s)(?<!chaque\s)personne|aucune?|jamais|nul|nulle)\b[^.;:!?,]*$", re.IGNORECASE
)
# Negative words in phrases that do not negate: "sans (aucun) doute" (certainly), "sans cesse"
# (constantly), "sans compter" (not to mention), "sans ambages" (frankly), "sans problème"
# (smoothly), "plus que jamais" (than ever), "plus qu'aucun" (more than any), "à jamais"
# (forever), "si jamais" (if ever), "pas mal" (quite a lot), "rien que" (just), "ne (pas) cesser
# de" and "ne (pas) arrêter de" (keep on), "ne pas manquer de" and a verb (be sure to, make a
# point of), "sans détour" (bluntly), "sans arrêt" (constantly),
# "sans oublier" (as well as), "n'en déplaise à" (with all due respect to), "sans suite"
# (dropped), "ou non" (whether), "il n'empêche" (even so); "Non," answering a question or "…, non
# ?" closing one, which English often leaves out or says otherwise ("right?"); the "ne"
# that "avant que", "à moins que", "sans que", "de peur que", "craindre que", "empêcher que" or a
# comparison put before a verb with no "pas" ("avant qu'elle ne soit occupée", "plus que je ne
# le pensais"); "si ce n'est" (except), "ne fait pas de doute" (to be sure), "ne voilà-t-il pas"
# (here it is), "ça ne vous dérange pas si" (is it all right if), "au grand jamais" (ever), "pas à
# pas" (step by step), "pas plus tard que" (just), "…, pas vrai ?" (isn't it?); and two negations
# that cancel ("n'est pas sans conséquence", "je ne peux pas ne pas être optimiste", "il n'est pas
# impossible").
_FRENCH_NOT_NEGATING_RE = re.compile(
    r"\bsans\s+(?:(?:aucun\s+)?doute|cesse|compter|ambages|probl[èe]mes?|d[ée]tours?|arr[êe]t|oublier|suite)\b|\bn['’]en\s+d[ée]plaise\b|"
    rf"\b(?:plus|moins|mieux|pire|autre|autrement|davantage)\b[^,;:.!?]*?\bqu(?:e\s+|['’])(?:\S+\s+)?{_NE}{_NO_NEGATIVE_WORD_AFTER}|"
    r"\b(?:que|qu['’]|à|si)\s*jamais\b|\b(?:plus|moins|mieux|autant|davantage)\b[^,;:.!?]*?\bqu(?:e\s+|['’])aucune?\b|\bpas\s+mal\b|\brien\s+qu(?:e\b|['’])|(?:^|[.!?…:])[\s«»\"“”'(]*non\s*[»\"”]?\s*[,.!]|,\s*(?:non|pas\s+vrai)\s*\?|"
    r"\bou\s+non\b|\bou\s+pas\b(?!\s+d[e'’])|\bil\s+n['’]empêche\b(?!\s+pas)|^\W*n['’]empêche\b(?!\s+pas)|"
    r"\b(?:avant|moins|peur|crainte|crain\w*|craign\w*|redout\w*|empêch\w*|évit\w*)\s+qu(?:e\s+|['’])[^,;:.!?]*?"
    rf"{_NE}{_NO_NEGATIVE_WORD_AFTER}|(?<=\bsans\s)qu(?:e\s+|['’])[^,;:.!?]*?{_NE}|"
    rf"{_NE}(?:(?!\b(?:{_NEGATIVE_WORD_LIST}|que?)\b)[^.;:!?])*?\bpas\s+(?:sans|impossibles?|incapables?|interdite?s?|ne\s+pas)\b|"
    r"\bnon\s+sans\b|\bsi\s+ce\s+n['’]\s?est\b|\bne\s+voilà-t-(?:il|elle)\s+pas\b|\bne\s+(?:te|vous)\s+dérange\s+pas\s+(?:si|que|qu['’])|"
    r"\bne\s+fait\s+(?:pas\s+de|aucun)\s+doute\b|\bau\s+grand\s+jamais\b|\bpas\s+à\s+pas\b|\bpas\s+plus\s+tard\s+qu|"
    r"\bn(?:e\s+|['’])(?:\w+\s+){0,2}?(?:pas\s+)?(?:cess|arr[êe]t)\w*\s+d|\bn(?:e\s+|['’])(?:cess|arr[êe]t)\w*\s+pas\s+d|"
    r"\bn(?:e\s+|['’])(?:\w+\s+){0,2}?(?:pas\s+|point\s+)?manqu\w*\s+(?:pas\s+|point\s+)?d(?:e\s+|['’])"
    r"(?:(?:le|la|les|leur|lui|y|en|se|me|te|nous|vous)\s+|[lsmt]['’])*\w+(?:er|ir|re)\b",
    re.IGNORECASE,
)
# Nouns and adjectives made with "sans" that English often says without a negation ("sans-abri"
# / "rough sleepers", "sans gravité" / "minor", "sans précédent" / "record", "sans rendez-vous" /
# "walk-in", "sans tache" / "clean"); where English does use one ("homeless", "unprecedented",
# "wireless", "unscrupulous"), it renders them (_RENDERS_A_FRENCH_WORD).
_SANS_WORD = (
    r"\bsans-(?=\w)|\bsans\s+(?:gravité|bornes?|limites?|précédents?|pareils?|égal|faille|encombre|fils?|plomb|emploi|"
    r"domicile|taches?|scrupules?|rendez-vous|but\s+lucratif|risques?|délai|issue)\b"
)
_SANS_WORD_RE = re.compile(_SANS_WORD, re.IGNORECASE)
# "Jamais" without "ne" after a superlative or a subjunctive is "ever" ("la mission la plus
# difficile jamais entreprise", "le seul à avoir jamais gagné"), and so is "ne … jamais" after a
# superlative and its "que" ("le pire langage que j'aie jamais vu", "… que je n'ai jamais connu").
_EVER_BEFORE_RE = re.compile(
    r"(?:\b(?:aie|aies|ait|aient|ayons|ayez|avoir|eût|eussent|soit|soient|fût|fussent|être)\s+$|"
    r"\b(?:l[ea]s?|l['’]|des|du)\s*(?:plus|moins)\b|\b(?:meilleure?s?|pires?|premi[eè]re?s?|seule?s?|derni[eè]re?s?|unique)\b|"
    # a question ("Avez-vous jamais été…"), a condition ("s'il voyait jamais"), a comparison
    # ("plus malin que je ne l'ai jamais été"): "ever"
    r"-(?:t-)?(?:je|tu|il|elle|on|nous|vous|ils|elles)\s+$|\bs(?:i\s|['’]\s*(?:il|ils)\b)[^,;:.!?]*$|"
    r"\b(?:plus|moins|mieux|pire|davantage)\b[^,;:.!?]*?\bqu(?:e\s+|['’])[^,;:.!?]{0,30}$)",
    re.IGNORECASE,
)
_SUPERLATIVE_EXPLETIVE_NE_RE = re.compile(
    r"(\b(?:plus|moins|meilleure?s?|pires?)\b[^,;:.!?]*?\bqu(?:e\s+|['’])[^,;:.!?]{0,30}?)\bn(?:e\s+|['’])(?=(?:\S+\s+){1,2}?jamais\b)",
    re.IGNORECASE,
)
# A negative question is often a positive one in English ("n'est-elle pas surestimée ?" → "is
# it overestimated?"): its "ne … pas" is not required; but one that asks why, how or when keeps it
# ("pourquoi ne voulaient-ils pas" is "why did they not want").
_NEGATIVE_QUESTION_RE = re.compile(
    r"\bn(?:e\s+|['’]\s?)(?:\w+\s+)?\w+\s?-(?:t-)?(?:il|elle|ils|elles|on|ce|je|tu|nous|vous)\s+(?:pas|jamais|plus)\b|"
    r"\best-ce\s+qu(?:e\s+|['’])[^?]*?\bn(?:e\s+|['’])\w+\s+pas\b",
    re.IGNORECASE,
)
_OPEN_QUESTION_RE = re.compile(r"\b(?:pourquoi|comment|quand|combien)\b[^.!?…]*$", re.IGNORECASE)
# The second of two coordinated negations ("sans nourriture et sans papier", "ne vous donnent pas
# … et ne vous paient pas") is one negation in English ("without food and papers", "doesn't give
# … or pay"); one with a subject of its own ("et nous n'avons pas") is a clause of its own.
_COORDINATED_RE = re.compile(r"(?:\bet|\bou|\bni|,)\s*$", re.IGNORECASE)
# "pas" after a determiner or a number is the noun "step" ("un pas en avant", "à deux pas").
_PAS_NOUN_RE = re.compile(
    r"\b(?:un|le|les|ce|ces|du|des|au|aux|mon|ton|son|ses|nos|vos|leurs?|premiers?|petits?|grands?|faux|chaque|quelques|"
    r"deux|trois|quatre|cinq|dix|cent|mille|\d+)\s+pas$",
    re.IGNORECASE,
)
_CLAUSE_END_RE = re.compile(r"[.;:!?,()—–]|\s-\s")  # not quotes: « jamais » is still in its clause
# A "ne" without a negative word of its own governs one past commas, before or after it: "il n'y
# a, au contraire, aucun problème", "à aucun moment, il ne lui a été permis" are one negation.
_NE_ALONE = r"\bn(?:e\s+|['’])(?:(?!\b(?:pas|plus|jamais|rien|personne|aucune?|guère|point|nul|nulle|que?)\b)[^.;:!?])*"
_OPEN_NE_RE = re.compile(_NE_ALONE + "$", re.IGNORECASE)
_NE_ALONE_AFTER_RE = re.compile(r"[^.;:!?]*?" + _NE_ALONE + r"(?:[.;:!?]|$)", re.IGNORECASE)


# Patterns anchored where a match starts ("…$" searched before it) are searched from the start of
# its clause or sentence, which they cannot cross: searched from the text's start, each match
# read all the text before it, and a long text (a document on one line) took quadratic time.
_STOP_RE = re.compile(r"[.;:!?]")
_COMMA_OR_STOP_RE = re.compile(r"[.;:!?,]")
_SENTENCE_END_RE = re.compile(r"[.!?…]")


class _Boundaries:
    """Where the matches of a boundary pattern are in a text, to find a position's clause."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        spans = [m.span() for m in pattern.finditer(text)]
        self._starts, self._ends, self._length = [s for s, _ in spans], [e for _, e in spans], len(text)

    def before(self, position: int) -> int:
        """The end of the last boundary at or before ``position`` (0: none)."""
        i = bisect.bisect_right(self._ends, position)
        return self._ends[i - 1] if i else 0

    def after(self, position: int) -> int:
        """The start of the first boundary at or after ``position`` (the text's end: none)."""
        i = bisect.bisect_left(self._starts, position)
        return self._starts[i] if i < len(self._starts) else self._length


def _skip_back(text: str, position: int, skipped: Callable[[str], bool]) -> int:
    """``position`` moved back over the characters ``skipped`` accepts."""
    while position and skipped(text[position - 1]):
        position -= 1
    return position


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def _without_idioms(source: str) -> str:
    """``source`` less the words of phrases that negate nothing in English."""
    text = _FRENCH_NOT_NEGATING_RE.sub(" ", _SUPERLATIVE_EXPLETIVE_NE_RE.sub(r"\1", source))
    text = _SANS_WORD_RE.sub(" ", text)
    if "?" in text:
        sentences = _Boundaries(_SENTENCE_END_RE, text)
        text = _NEGATIVE_QUESTION_RE.sub(
            lambda m: m.group(0) if _OPEN_QUESTION_RE.search(text, sentences.before(m.start()), m.start()) else " ", text
        )
    return text


def french_negations(source: str) -> int:
    """How many negations a French sentence holds: each "ne" or "sans" (less "ne … que" and
    a second coordinated one), and each negative word no "ne" or "sans" in its clause governs
    ("pas de", "jamais plus"); "ni" only where nothing else negates ("ni lui ni moi")."""
    text = _without_idioms(source)
    clauses, commas, stops = (_Boundaries(p, text) for p in (_CLAUSE_END_RE, _COMMA_OR_STOP_RE, _STOP_RE))
    count, previous = 0, None
    for m in _FRENCH_NEGATION_RE.finditer(text):
        kind = {"n'": "ne", "n’": "ne", "non-": "non"}.get(m.group(0).lower(), m.group(0).lower())
        coordinated = previous and previous[0] == kind and m.start() - previous[1] < 80
        count += not (coordinated and _COORDINATED_RE.search(text, max(_skip_back(text, m.start(), str.isspace) - 2, 0), m.start()))
        previous = (kind, m.end())
    count -= sum(1 for m in _NE_QUE_RE.finditer(text) if not _NEGATIVE_SUBJECT_RE.search(text, commas.before(m.start()), m.start()))
    for m in _FRENCH_BARE_NEGATION_RE.finditer(text):
        word_before = _skip_back(text, _skip_back(text, m.start(), str.isspace), _is_word_character)
        if m.group(0).lower() == "ni" or _PAS_NOUN_RE.search(text, word_before, m.end()):
            continue
        before, after = text[clauses.before(m.start()) : m.start()], text[m.end() : clauses.after(m.end())]
        if m.group(0).lower() == "jamais" and _EVER_BEFORE_RE.search(before):
            continue
        if not _FRENCH_NEGATION_RE.search(before + after) and not _FRENCH_BARE_NEGATION_RE.search(before):
            pairs_with_ne = m.group(0).lower() in ("rien", "jamais", "aucun", "aucune", "pas", "nullement")
            open_ne = _OPEN_NE_RE.search(text, stops.before(m.start()), m.start())
            count += not (pairs_with_ne and (open_ne or _NE_ALONE_AFTER_RE.match(text, m.end())))
    if not count and re.search(r"\bni\b", text, re.IGNORECASE):
        count = 1
    return max(count, 0)


_ENGLISH_NEGATION_RE = re.compile(
    r"\b(?:not|no|never|nothing|nobody|none|neither|nor|without|cannot|nowhere|hardly|barely|non|"
    r"unable|lack|lacks|lacked|lacking|absence|absent|fail|fails|failed|failures?|refuse|refused|refuses|declin(?:e|es|ed|ing)(?=\s+to\b)|avoid|avoids|avoided|"
    r"until|instead(?=\s+of\b)|exempt|free|unless|prohibits?|prohibited|prohibiting|forbids?|forbidden|forbade|bans?|banned|"
    r"disregards?|disregarded|disregarding|lest|neglect|neglects|neglected|neglecting|ignor(?:e|es|ed|ing|ance|ant)|"
    r"unbeknownst|little(?=\s+doubt)|yet(?=\s+to\b)|den(?:y|ies|ied|ying|ial)|oblivious|"
    # "regardless of" / "sans considérer" (not "…, regardless."), "a carefree playboy" / "qui ne se
    # soucie de rien". Not "prevent": it renders "empêcher", no negation of the French count.
    r"regardless(?=\s+[a-z])|[a-z]{3,}free|"
    r"(?:refrain|abstain)(?:s|ed|ing)?(?=\s+from\b)|"
    # "stay away from", "keep out of": not to take part
    r"(?:stay|stays|stayed|staying|keep|keeps|kept|keeping)\s+(?:away|out)(?=\s+(?:of|from)\b))\b|n ?['’]t\b|\bnon-|"
    # "nonprofit", "nonpartisan"
    r"\bnon(?!e\b|etheless|sense)[a-z]{3,}|"
    r"\bun(?:able|clear|known|likely|aware|certain|sure|necessary|fair|usual|acceptable|lawful|employed|paid|"
    r"related|relieved|conscious|limited|successful|successfully|affected|changed|solved|resolved|touched)\b|"
    # any other adjective or participle in un- ("uncomfortable", "unprecedented", "unpopular",
    # "unofficial"), less under-, uni-, "unanimous" and "unfortunately" (no negation of content)
    r"\bun(?!der|i[a-z]|anim|fortunate)[a-z]{3,}(?:able|ably|ible|ful|fully|ed|ing|ous|ive|y|al|ar|ant|ent|ic)\b|"
    r"\bun(?!der|i[a-z])[a-z]{2,}(?:en|wn)\b|"
    r"\b(?!nevertheless|nonetheless|regardless|unless)[a-z]{3,}less(?:ly|ness)?\b|\b(?:in|im|ir|il|dis)(?:correct|complete|"
    r"conclusive|effective|possible|possibly|responsible|legal|legally|regular|agree|appear|eligible|sufficient|sufficiently|"
    r"adequate|adequately|accurate|appropriate|appropriately|capable|competent|ability|visible|consistent|relevant|legitimate)"
    r"(?:s|d|ed|ing|ment|ly)?\b",
    re.IGNORECASE,
)
# "Whether or not", "appropriate or not": "or not" negates nothing, as "ou non" does not; nor
# does "No," answering a question, which French "Non," does not count either.
_NOT_NEGATING_RE = re.compile(r"\bor\s+not\b|(?:^|[.!?…:])[\s\"“”'(]*no\s*[\"”]?\s*[,.!]", re.IGNORECASE)


# English negative words that also translate French words that do not negate ("avoid" renders
# "éviter" as well as "pour ne pas", "free" "gratuit", "homeless" "sans-abri"): where the French
# has such a word, the English one renders it, not a negation.
_RENDERS_A_FRENCH_WORD = tuple(
    (re.compile(english, re.IGNORECASE), re.compile(french, re.IGNORECASE))
    for english, french in (
        (r"avoid", r"\bévit"),
        (r"fail", r"\b(?:échou|échec)"),
        (r"refus|declin", r"\brefus"),
        (r"den", r"\b(?:ni[eé]|nier|négation|dément|déni|refus)"),
        (r"lack|absence", r"\b(?:manqu|faute\s+d|carence|défaut|pénurie|inexist)"),
        (r"until", r"\b(?:jusqu|avant\b)"),  # "pas … avant" is "not … until"
        (r"instead", r"\b(?:au\s+lieu|à\s+la\s+place|plutôt)"),
        (r"free", r"\b(?:libre|gratui|libér)"),
        (r"exempt", r"\b(?:exempt|exonér|dispens)"),
        (r"unless", r"\b(?:à\s+moins|sauf\s+si)"),
        (r"disappear", r"\bdispar"),
        (r"disagree", r"\bdésaccord"),
        (r"hardly|barely", r"\bà\s+peine"),
        (r"un(?!til|less)|non|\w{3,}less", _SANS_WORD),
        # "sans problème", "sans cesse" … negate nothing (_FRENCH_NOT_NEGATING_RE), nor does their "without"
        (r"without", r"\bsans\s+(?:probl|d[ée]tour|arr[êe]t|cesse|ambages|suite)"),
    )
)
# Litotes: a French negated word that English renders by its opposite ("n'a pas oublié",
# "n'oubliez pas" / "remember", "il n'est pas facile" / "it is difficult", "pas grand-chose" /
# "little", "n'a pas hésité" / "was quick", "n'a pas survécu" / "succumbed", "ne s'attendait pas"
# / "was surprised", "non urgent" / "elective", "non négligeable" / "significant"): the opposite
# counts as a negation. (Not "always" or "still", which also render a lost "never" or "no longer".)
_LITOTES = tuple(
    (re.compile(rf"\bn(?:e\s+|['’])(?:[^.;:!?]{{0,40}}?\b(?:pas|plus|jamais)\b[^.;:!?]{{0,25}}?\b(?:{french})|"
                rf"(?:\S+\s+){{0,2}}?\S{{0,4}}?(?:{french})\w*\W{{0,2}}\s+(?:pas|plus|jamais)\b)|\b(?:non|pas)[\s-]+(?:{french})",
                re.IGNORECASE),
     re.compile(rf"\b(?:{english})", re.IGNORECASE))
    for french, english in (
        (r"oubli", r"remember|recall|be\s+sure|make\s+sure"),
        (r"facil|aisé", r"difficult|hard\b|tough"),
        (r"surv[éeiy]", r"succumb|died\b|dies\b|perished|fatal|dead\b|lost\s+(?:his|her|their)\s+li"),
        (r"termin|fini[es]?\b|achev", r"continu|ongoing|goes\s+on\b|go\s+on\b|carr(?:y|ies)\s+on\b"),
        (r"boug", r"stay|remain|motionless|froze\b"),
        (r"attend", r"surpris|astonish|startl"),
        (r"conna[iî]", r"strangers?\b"),
        (r"dérog", r"kept\b|upheld|followed|observed|honou?red|respected|stuck\s+to\b|true\s+to\b|celebrat"),
        (r"urgent", r"elective|routine\b"),
        (r"négligeable", r"significant|considerable|substantial|sizea?ble|notable"),
        (r"très|aussi\b", r"less\b"),  # "pas très fréquent" / "less common"
        (r"autrement", r"must\b|ha(?:s|ve)\s+to\b|bound\s+to\b"),  # "il ne peut en être autrement" / "it must be"
        (r"déplai", r"like|enjoy|pleas"),
        (r"changé", r"the same\b"),
        (r"grand-chose|beaucoup", r"(?<!\ba\s)(?:little|few)\b"),
        (r"hésit", r"quick|readily|eager|willing|swift|prompt"),
        (r"all(?:ait|aient|er)\b|va\b|vont\b", r"wrong\b|amiss\b"),
    )
)
# "Non seulement X mais Y" ("not only X but Y") is as often "both X and Y", "besides X, Y", "X as
# well as Y" or "X and also Y": such an addition renders its negation, unless the English says
# "only X but": then it is the "not only" whose "not" is lost.
_NOT_ONLY_RE = re.compile(r"\bnon\s+(?:pas\s+)?(?:seulement|uniquement)\b|\bpas\s+(?:seulement|uniquement)\b", re.IGNORECASE)
_ADDITIVE_RE = re.compile(
    r"\b(?:both|besides|also|too|as well|in addition|additionally|along\s+with|alongside|on\s+top\s+of|beyond|more\s+than)\b",
    re.IGNORECASE,
)
_ONLY_BUT_RE = re.compile(r"\b(?:only|just|merely|simply|solely)\b[^.;:!?]*\b(?:but|also|as well|too)\b", re.IGNORECASE)
# "Sans doute" (probably) is no negation, but rendered with "doubt" it needs English's "no".
_SANS_DOUTE_RE = re.compile(r"\bsans\s+(?:aucun\s+)?doute|\bne\s+fait\s+(?:pas\s+de|aucun)\s+doute", re.IGNORECASE)
_DOUBT_RE = re.compile(r"doubt", re.IGNORECASE)
# A French word with a negative prefix ("inconfortable", "illégal") is rendered by the English
# one ("uncomfortable", "illegal"), which is no negation of the French.
_NEGATIVE_PREFIX_RE = re.compile(r"^(?:un|in|im|ir|il|dis)")
_FRENCH_NEGATIVE_PREFIX_RE = re.compile(r"^(?:in|im|ir|il|dés|dé|dis|mal)")
# …and so is a word after "peu" ("peu raffiné" / "unrefined", "peu charismatique" / "uncharismatic").
_PEU_WORD_RE = re.compile(r"\bpeu\s+([^\W\d_]{4,})")


def _english_negations(source: str, target: str) -> int:
    """English negations less those that render a French word that is no negation, plus the
    opposites that render a French litotes."""
    target = _NOT_NEGATING_RE.sub(" ", target)
    available = [len(french.findall(source)) for _, french in _RENDERS_A_FRENCH_WORD]
    prefixed = [w for w in re.findall(r"[^\W\d_]+", source.lower()) if _FRENCH_NEGATIVE_PREFIX_RE.match(w)
                and not _MEANING_NEGATION_RE.fullmatch(w)] + _PEU_WORD_RE.findall(source.lower())
    count = 0
    for m in _ENGLISH_NEGATION_RE.finditer(target):
        word = m.group(0).lower()
        rule = next((i for i, (english, _) in enumerate(_RENDERS_A_FRENCH_WORD) if available[i] and english.match(word)), None)
        if rule is not None:
            available[rule] -= 1
            continue
        if _NEGATIVE_PREFIX_RE.match(word) and _renders_prefixed(word, prefixed):
            continue
        count += 1
    count += sum(1 for french, english in _LITOTES if french.search(source) and english.search(target))
    return count + bool(_NOT_ONLY_RE.search(source) and _ADDITIVE_RE.search(target) and not _ONLY_BUT_RE.search(target))


def _renders_prefixed(english: str, french_words: list[str]) -> bool:
    """``english`` ("uncomfortable") and one of ``french_words`` ("inconfortable") are one word
    with a negative prefix each."""
    stem = _NEGATIVE_PREFIX_RE.sub("", english)
    return len(stem) >= 4 and any(
        fuzz.ratio(stem[:8], _FRENCH_NEGATIVE_PREFIX_RE.sub("", fold(f))[:8]) >= 75 for f in french_words
    )


def negation_counts(source: str, target: str) -> tuple[int, int]:
    """How many negations the French source and the English target hold ("sans doute" counts
    where English renders it with "doubt", which needs its "no")."""
    french = french_negations(source) + bool(_SANS_DOUTE_RE.search(source) and _DOUBT_RE.search(target))
    return french, _english_negations(source, target)


def negation_lost(source: str, target: str) -> bool:
    """The source negates something and the target holds fewer negations than it."""
    french, english = negation_counts(source, target)
    return french > english
