"""Text a translation must copy as it is: web addresses, e-mail addresses, domain names, hashtags
and handles (what CAT tools call placeables).

Qwen's drafts of a saved page turned ``caisse-solidarite.fr`` into "solidarity-cash.fr" and
``solidarite-financiere@infocomcgt.fr`` into "solidarity-financial@infocomcgt.fr": an address
that no longer leads anywhere, in a draft no check flagged. :func:`restore_verbatim` puts the
source's own back in place of what the model made of it.
"""

from __future__ import annotations

import re

_TRAILING = ".,;:!?)]}»\"'”’…"
# not "de", "es", "it" or "co", which end words run together at a missing space ("rapport.de plus")
_TOP_LEVEL_DOMAINS = r"(?:fr|com|org|net|eu|info|io|be|ch|ca|uk|gouv|edu|gov|int)"
# One pattern per kind; a draft's token stands for a source's of the same kind.
VERBATIM_KINDS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail
    re.compile(r"\b(?:https?://|www\.)[^\s<>\"«»]+"),  # web address
    re.compile(rf"(?<![@\w.-])[\w-]+(?:\.[\w-]+)*\.{_TOP_LEVEL_DOMAINS}\b(?![@\w-])"),  # domain name
    re.compile(r"(?<![\w&])#\w+"),  # hashtag
    re.compile(r"(?<![\w.])@\w+"),  # handle
)


def _tokens(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    return [m for m in pattern.finditer(text) if m.group(0).rstrip(_TRAILING)]


def restore_verbatim(source: str, draft: str) -> str:
    """``draft`` with each of ``source``'s placeables that it lacks put back where the draft has
    one of the same kind the source lacks, in order; a placeable the draft has dropped is not
    invented back."""
    taken: set[str] = set()
    for pattern in VERBATIM_KINDS:
        source_tokens = [m.group(0).rstrip(_TRAILING) for m in _tokens(pattern, source)]
        wanted = [t for t in source_tokens if t not in draft and t not in taken]
        if not wanted:
            continue
        made = [m for m in _tokens(pattern, draft) if m.group(0).rstrip(_TRAILING) not in source_tokens]
        for original, m in reversed(list(zip(wanted, made))):  # from the end: earlier offsets stay valid
            end = m.start() + len(m.group(0).rstrip(_TRAILING))
            draft = draft[: m.start()] + original + draft[end:]
        taken.update(wanted)
    return draft
