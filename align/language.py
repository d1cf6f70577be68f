"""Document language checks, so a German 'reference' is refused instead of aligned.

lingua in low-accuracy mode over a handful of European languages loads in milliseconds and
is reliable on whole documents; it is only asked about the first few thousand characters.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from align.errors import DataError

_CANDIDATES = (
    Language.FRENCH,
    Language.ENGLISH,
    Language.GERMAN,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
)
_SAMPLE_CHARS = 4000


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CANDIDATES).with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the main language of ``text``, or None when undecidable."""
    found = _detector().detect_language_of(text[:_SAMPLE_CHARS])
    return found.iso_code_639_1.name.lower() if found is not None else None


def language_name(code: str) -> str:
    """``de`` → ``German``; a code lingua does not know stays as it is."""
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code)).name.title()
    except ValueError:
        return code


def require_language(text: str, expected: str, name: str) -> None:
    """Raise :class:`DataError` when ``text`` is clearly in another language than ``expected``."""
    IsoCode639_1.from_str(expected)  # fails loudly on a code lingua does not know
    found = detect_language(text)
    if found is not None and found != expected:
        raise DataError(f"{name}: expected {language_name(expected)} text, but it looks like {language_name(found)}")
