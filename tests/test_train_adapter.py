"""The adapter-training script's data packing: prompt format, English-only targets, lengths."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from align.translate import DEFAULT_PROMPT, prepare_source

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "train_adapter.py"


def _script():
    spec = importlib.util.spec_from_file_location("train_adapter", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CharTokenizer:
    """One token per character: enough to check which characters are targets."""

    bos_token_id = 1

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [ord(c) for c in text]}


def test_sequences_pack_pairs_in_prompt_format_with_english_targets():
    pairs = [("Il pleut, 1 000 fois.", "It rains, 1,000 times."), ("Bonjour.", "Hello."), ("Oui.", "Yes.")]
    header = len(DEFAULT_PROMPT.header) + 1
    sequences = _script().packed_sequences(pairs, CharTokenizer(), max_tokens=header + 100)
    assert len(sequences) == 2  # the third pair no longer fits the first sequence
    ids, targets = sequences[0]
    text = "".join(chr(i) for i in ids[1:])
    assert text == (
        DEFAULT_PROMPT.header
        + f"French: {prepare_source(pairs[0][0])}\nEnglish: It rains, 1,000 times.\n\n"
        + "French: Bonjour.\nEnglish: Hello.\n\n"
    )
    predicted = "".join(chr(i) for i, target in zip(ids, targets) if target)
    assert predicted == " It rains, 1,000 times.\n\n Hello.\n\n"
    assert all(len(ids) <= header + 100 for ids, _ in sequences)


def test_chat_sequences_lay_pairs_out_as_the_chat_prompt_does():
    from align.translate.prompts import CHAT_PROMPT

    pairs = [("Il pleut, 1 000 fois.", "It rains, 1,000 times."), ("Bonjour.", "Hello.")]
    sequences = _script().packed_sequences(pairs, CharTokenizer(), max_tokens=1000, chat=True)
    assert len(sequences) == 1
    ids, targets = sequences[0]
    text = "".join(chr(i) for i in ids)
    # what the translator sends for each sentence, then the reply it should get, turn end included
    assert text == (CHAT_PROMPT.prefix + CHAT_PROMPT.query(pairs[0][0]) + "It rains, 1,000 times.<|im_end|>\n"
                    + CHAT_PROMPT.query(pairs[1][0]) + "Hello.<|im_end|>\n")
    assert "1,000" in CHAT_PROMPT.query(pairs[0][0])  # the source is rewritten as at translation time
    predicted = "".join(chr(i) for i, target in zip(ids, targets) if target)
    assert predicted == "It rains, 1,000 times.<|im_end|>\nHello.<|im_end|>\n"
