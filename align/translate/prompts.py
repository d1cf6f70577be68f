"""Prompts for a small base LLM: source rewriting (numbers, acronyms, country names) and few-shot layouts."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence

from align.quality import ACRONYM_GLOSSARY, COUNTRIES

_FRENCH_THOUSANDS_RE = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)")
_FRENCH_DECIMAL_RE = re.compile(r"(?<![\d,.])(\d+),(\d+)(?![\d,])")
_PERCENT_RE = re.compile(r"(\d)[ \u00a0\u202f]%")
_GLOSSARY_RE = re.compile(r"\b(" + "|".join(map(re.escape, ACRONYM_GLOSSARY)) + r")\b")


_COUNTRY_NAME_RES = [
    (re.compile(rf"(?:\b[lL]['’])?(?<!\w){re.escape(french)}(?!\w)"), english)
    for french, english in sorted(
        ((f, e) for country in COUNTRIES for f, e in country.names if f != e), key=lambda n: -len(n[0])
    )
]


def gloss_names(text: str) -> str:
    """``text`` with the French names of countries in English ("de l'Allemagne" → "de Germany"):
    a small model copies a name it would otherwise drop or swap ("RPDC" → "PRC")."""
    for pattern, english in _COUNTRY_NAME_RES:
        text = pattern.sub(english, text)
    return text


def prepare_source(text: str) -> str:
    """Rewrite what a small LLM mistranslates but can copy: numbers, acronyms, quotes, spaces."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    text = re.sub(r"«\s*", '"', text)
    text = re.sub(r"\s*»", '"', text)
    text = _FRENCH_DECIMAL_RE.sub(r"\1.\2", text)  # before thousands, which add commas
    text = _FRENCH_THOUSANDS_RE.sub(lambda m: re.sub(r"\s", ",", m.group(0)), text)
    text = _PERCENT_RE.sub(r"\1%", text)
    return _GLOSSARY_RE.sub(lambda m: ACRONYM_GLOSSARY[m.group(1)][0], text)



@dataclass(frozen=True)
class FewShotPrompt:
    """A prompt format and its examples; ``version`` changes whenever either does."""

    version: str
    header: str
    examples: tuple[tuple[str, str], ...]
    rewrite_source: bool = True
    special_tokens = False  # the layout is plain text: "<bos>" in a source is text too

    def _source(self, text: str) -> str:
        return prepare_source(text) if self.rewrite_source else text

    @functools.cached_property
    def prefix(self) -> str:
        return self.header + self.shots(self.examples)

    def shots(self, examples: Sequence[tuple[str, str]]) -> str:
        return "".join(f"French: {self._source(fr)}\nEnglish: {en}\n\n" for fr, en in examples)

    def query(self, sentence: str) -> str:
        return f"French: {self._source(sentence)}\nEnglish:"

    def reply(self, text: str, sentence: str) -> str:
        """The draft in a completion: the base model's line is the draft already."""
        return text.strip()


_CHAT_MARKER_RE = re.compile(r"<\|[^|<>]*\|>")
_REPLY_LABEL_RE = re.compile(r"(?:English|French|Translation|English translation|Traduction)\s*:\s*", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"”’»)]*(?=\s|$)")


def _sentence_count(text: str) -> int:
    return max(1, len(_SENTENCE_END_RE.findall(text.strip())))


# A sentence after the translation's end that talks about the translation rather than rendering it.
_REPLY_COMMENT_RE = re.compile(
    r"(?<=[.!?\"”’)])\s+(?:\(?(?:Note|N\.B\.|Translator's note|Explanation)\b"
    r"|(?:This|The|That) (?:phrase|sentence|expression|term|word|pun|idiom|translation)s? (?:is|was|means|refers|suggests|can|could|literally)\b"
    r"|In this context\b)"
)


@dataclass(frozen=True)
class ChatPrompt:
    """The same job for an instruct model in its ChatML chat template (Qwen and others): a
    system turn, examples as user/assistant turns, and each sentence as a user turn the
    assistant's reply completes. Marker-like text (``<|im_end|>``) is taken out of sources and
    examples, since the generator reads the template's markers as control tokens."""

    version: str
    system: str
    examples: tuple[tuple[str, str], ...] = ()
    rewrite_source: bool = True
    special_tokens = True

    def _source(self, text: str) -> str:
        text = _CHAT_MARKER_RE.sub("", text)
        return prepare_source(text) if self.rewrite_source else text

    @staticmethod
    def _turn(role: str, text: str) -> str:
        return f"<|im_start|>{role}\n{text}<|im_end|>\n"

    @functools.cached_property
    def prefix(self) -> str:
        return self._turn("system", self.system) + self.shots(self.examples)

    def shots(self, examples: Sequence[tuple[str, str]]) -> str:
        return "".join(self._turn("user", self._source(fr)) + self._turn("assistant", _CHAT_MARKER_RE.sub("", en))
                       for fr, en in examples)

    def query(self, sentence: str) -> str:
        return self._turn("user", self._source(sentence)) + "<|im_start|>assistant\n"

    def reply(self, text: str, sentence: str) -> str:
        """The draft in an assistant's reply, without the chat habits seen in Qwen's drafts
        (eval/results/translate.md, run 13): a label in front ("French: …", "Translation: …")
        and a comment after the translation ("… marionettes." This phrase is a play on words …).
        A label the source itself starts with is kept, and so is a "comment" where the source has
        as many sentences as the reply without it ("Cette expression est courante." is rendered)."""
        text = text.strip()
        label = _REPLY_LABEL_RE.match(text)
        if label and not _REPLY_LABEL_RE.match(sentence.strip()):
            text = text[label.end():]
        for comment in _REPLY_COMMENT_RE.finditer(text):
            rendered = text[:comment.start()].rstrip()
            if _sentence_count(rendered) >= _sentence_count(sentence):  # else it may render the source
                return rendered
        return text


# Examples from WMT newstest2013 (never from the sets reported in eval/): names, numbers in
# French format, an acronym, a headline, a long sentence; chosen for what the model gets wrong.
DEFAULT_PROMPT = FewShotPrompt(
    version="fewshot-v1",
    header="Translate French news sentences into English. Keep every name, number and detail.\n\n",
    examples=(
        ("Dépistage du cancer de la prostate: passer le test ou non?",
         "Prostate cancer screening: take the test or not?"),
        ("Récemment, Adi Shamir et Dorit Ron, de l'Institut Weizmann en Israël, ont analysé le livre de "
         "comptes et montré que près de 80% des bitcoins ne circulent pas.",
         "Recently, Adi Shamir and Dorit Ron, from the Weizmann Institute in Israel, analysed the accounting "
         "books and showed that almost 80% of bitcoins do not circulate."),
        ("Cela contribuerait bien plus à la création d'un état palestinien que la proposition prochaine "
         "d'un pseudo état à l'ONU.",
         "That would do more to create a Palestinian state than the imminent bid for virtual statehood at the UN."),
        ("M. Zambito a semé à tous vents dans les années 2000, donnant plus de 88 000 dollars canadiens "
         "(environ 68 000 euros) à des partis provinciaux, surtout aux libéraux alors au pouvoir.",
         "Mr Zambito has handed money out freely in the 2000s, giving over 88,000 Canadian dollars (roughly "
         "68,000 euros) to provincial parties, especially the Liberals then in power."),
        ("Nous avons demandé l'avis de deux spécialistes.", "We asked two specialists for their opinion."),
    ),
)


# An adapter trained by scripts/train_adapter.py has learnt the format itself: the header alone
# does as well as the five examples on newstest2013 dev (chrF 42.7 against 42.5) and decodes
# its short sentences 15 % faster, as every sequence attends to a shorter prefix (on NTREX's
# long sentences the two run at the same speed: eval/results/translate.md, run 7).
ADAPTED_PROMPT = FewShotPrompt(version="adapted-v1", header=DEFAULT_PROMPT.header, examples=())


def first_line(text: str) -> str:
    """A completion up to its line end: models end lines with a carriage return too, then go on
    with text of their own ("… privacy. \\r \\r The ACLU also expresses …")."""
    return re.split(r"[\r\n]", text, maxsplit=1)[0]


# For instruct models with a ChatML template (``--quality best``'s Qwen2.5-1.5B): an instruction
# does what the few-shot layout did for the base model (eval/results/translate.md, run 12).
CHAT_PROMPT = ChatPrompt(
    version="chatml-v2",
    system="You are a professional translator. Translate the French text into English. "
           "Reply with the English translation only.",
)
