"""A GGUF model narrowed to the tokens that French→English drafts use.

Gemma 3 270M has 262,144 tokens and 640-dimensional states: its output layer (168M
multiply-adds per generated token) costs more than its 18 transformer layers (about 100M).
Drafts need English words and the names and numbers of their French source. A copy of the
model that keeps only the rows of the (tied) embedding matrix for the tokens of French and English
text (scripts/build_vocabulary.py) scores them at a fraction of the cost. The source's own
tokens are added back per batch: their scores are the hidden state times their rows of the full
matrix, computed here, and every token enters the model as its embedding row, so the model reads
the same input as the full one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from align.errors import DataError
from align.textio import write_text_atomic

# Token ids of the embedded Gemma 3 270M kept in its narrowed copy (scripts/build_vocabulary.py).
EMBEDDED_VOCABULARY = Path(__file__).parent / "adapters" / "gemma3-270m-fr-en-tokens.txt"

_TOKEN_TYPE_CONTROL, _TOKEN_TYPE_BYTE = 3, 6
_UNUSED = re.compile(r"<unused\d+>")


def read_kept_tokens(path: Path) -> list[int]:
    try:
        return sorted({int(line) for line in path.read_text(encoding="ascii").split()})
    except (OSError, ValueError) as exc:
        raise DataError(f"token list {path}: not a list of token ids ({exc})") from None


def always_kept(texts: Sequence[str], types: Sequence[int]) -> set[int]:
    """Byte tokens (the model spells rare characters with them) and the control tokens that are
    not placeholders (<bos>, <eos>, <end_of_turn> …)."""
    return {
        i for i, (text, kind) in enumerate(zip(texts, types))
        if kind == _TOKEN_TYPE_BYTE or (kind == _TOKEN_TYPE_CONTROL and not _UNUSED.fullmatch(text))
    }


def narrowed_path(source: Path, keep: Sequence[int]) -> Path:
    digest = hashlib.sha256(",".join(map(str, keep)).encode()).hexdigest()[:12]
    return source.with_name(f"{source.stem}.narrow-{digest}.gguf")


def _sidecars(target: Path) -> tuple[Path, Path]:
    """The full embedding matrix (raw quantised rows, memory-mapped at run time) and its layout:
    reading them from the source GGUF would parse its 262k-token vocabulary, ~10 s and ~700 MB."""
    return target.with_suffix(".rows.npy"), target.with_suffix(".json")


def narrow_gguf(source: Path, keep: Sequence[int]) -> Path:
    """The copy of ``source`` that keeps the tokens ``keep`` (ids in the full vocabulary; kept
    in this order, so new id = position), written once next to it with its sidecars."""
    import gguf

    target = narrowed_path(source, keep)
    if target.is_file() and all(path.is_file() for path in _sidecars(target)):
        return target
    reader = gguf.GGUFReader(str(source))
    field = reader.fields
    texts = field["tokenizer.ggml.tokens"].contents()
    keep = list(keep)
    if max(keep) >= len(texts) or sorted(set(keep)) != keep:
        raise DataError(f"token list does not fit {source.name} ({len(texts)} tokens)")
    new_id = {old: new for new, old in enumerate(keep)}
    per_token = {"tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type"}
    arch = field["general.architecture"].contents()
    matrix = next(t for t in reader.tensors if t.name == "token_embd.weight")
    rows_path, layout_path = _sidecars(target)
    unique = f".{os.getpid()}.partial"  # two processes narrowing at once must not share a file
    np.save(rows_path.with_name(rows_path.name + unique + ".npy"), np.asarray(matrix.data))
    os.replace(rows_path.with_name(rows_path.name + unique + ".npy"), rows_path)
    layout = {"arch": arch, "n_embd": int(field[f"{arch}.embedding_length"].contents()),
              "ggml_type": int(matrix.tensor_type)}
    write_text_atomic(layout_path, json.dumps(layout) + "\n")
    partial = target.with_name(target.name + unique)
    writer = gguf.GGUFWriter(str(partial), arch=arch)
    for name, item in field.items():
        if name == "general.architecture" or name.startswith("GGUF."):
            continue
        value = item.contents()
        if name in per_token:
            value = [value[i] for i in keep]
        elif name.startswith("tokenizer.ggml.") and name.endswith("_token_id"):
            if value not in new_id:
                continue  # e.g. a padding token the kept set does not need
            value = new_id[value]
        sub_type = item.types[-1] if item.types[0] == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(name, value, item.types[0], sub_type=sub_type)
    tensors = [(t, t.data[keep] if t is matrix else t.data) for t in reader.tensors]
    for tensor, data in tensors:
        writer.add_tensor_info(tensor.name, data.shape, data.dtype, data.nbytes, tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for tensor, data in tensors:
        writer.write_tensor_data(data, tensor_endianess=reader.endianess)
    writer.close()
    partial.replace(target)  # last: the GGUF's presence says the sidecars are complete
    return target


class NarrowedVocabulary:
    """The narrowed copy of ``source`` (keeping token ids ``keep``) and the full model's
    embedding rows, which give the input of any token and the score of a token not kept."""

    def __init__(self, source: Path, keep: Sequence[int]):
        self.path = narrow_gguf(source, keep)
        self.kept = np.asarray(keep, dtype=np.int64)
        rows_path, layout_path = _sidecars(self.path)
        layout = json.loads(layout_path.read_text(encoding="utf-8"))
        self.n_embd, self._ggml_type = layout["n_embd"], layout["ggml_type"]
        self._matrix = np.load(rows_path, mmap_mode="r")
        # Gemma scales token embeddings by √n_embd inside the graph, but not embeddings given as input.
        self.input_scale = np.float32(np.sqrt(self.n_embd) if layout["arch"].startswith("gemma") else 1.0)

    def rows(self, tokens: Sequence[int]) -> np.ndarray:
        """(len(tokens), n_embd) float32 rows of the full embedding matrix."""
        import gguf

        data = np.asarray(self._matrix[np.asarray(tokens, dtype=np.int64)])
        kind = gguf.GGMLQuantizationType(self._ggml_type)
        return gguf.quants.dequantize(data, kind).reshape(len(tokens), self.n_embd).astype(np.float32, copy=False)

    def inputs(self, tokens: Sequence[int]) -> np.ndarray:
        """The model's input vectors for ``tokens``, as llama.cpp's own token lookup makes them."""
        return np.ascontiguousarray(self.rows(tokens) * self.input_scale, dtype=np.float32)
