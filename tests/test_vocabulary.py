import numpy as np
import pytest

from align.errors import DataError
from align.vocabulary import EMBEDDED_VOCABULARY, NarrowedVocabulary, always_kept, narrow_gguf, read_kept_tokens


def test_byte_and_real_control_tokens_are_always_kept_placeholders_are_not():
    texts = ["<pad>", "<unused7>", "<0x00>", "hello", "<end_of_turn>"]
    types = [3, 3, 6, 1, 3]
    assert always_kept(texts, types) == {0, 2, 4}


def test_shipped_token_list_reads_sorted_and_a_garbage_list_is_a_data_error(tmp_path):
    kept = read_kept_tokens(EMBEDDED_VOCABULARY)
    assert kept == sorted(set(kept)) and 50_000 < len(kept) < 100_000
    garbage = tmp_path / "tokens.txt"
    garbage.write_text("12\nthirteen\n")
    with pytest.raises(DataError, match="not a list of token ids"):
        read_kept_tokens(garbage)


def test_a_token_list_beyond_the_vocabulary_is_a_data_error(tmp_path):
    import gguf

    source = tmp_path / "tiny.gguf"
    writer = gguf.GGUFWriter(str(source), arch="gemma3")
    writer.add_token_list(["<pad>", "<bos>", "a"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(DataError, match="does not fit tiny.gguf"):
        narrow_gguf(source, [0, 3])


@pytest.mark.slow
def test_narrowed_embedded_model_keeps_rows_and_remaps_special_tokens(tmp_path, embedded_gguf):
    from gguf import GGUFReader

    from align.translate import embedded_gguf_path

    source = tmp_path / "model.gguf"
    source.symlink_to(embedded_gguf_path())
    full = embedded_gguf  # the source, already read
    keep = sorted({0, 1, 2, 3, 106, 4000, 12345, 262_000})
    narrowed = GGUFReader(str(narrow_gguf(source, keep)))
    full_tokens = full.fields["tokenizer.ggml.tokens"].contents()
    assert narrowed.fields["tokenizer.ggml.tokens"].contents() == [full_tokens[i] for i in keep]
    assert narrowed.fields["tokenizer.ggml.bos_token_id"].contents() == keep.index(2)
    rows = {t.name: t.data for t in narrowed.tensors}["token_embd.weight"]
    np.testing.assert_array_equal(rows, {t.name: t.data for t in full.tensors}["token_embd.weight"][keep])
    built = narrow_gguf(source, keep).stat().st_mtime_ns
    assert narrow_gguf(source, keep).stat().st_mtime_ns == built  # written once, then reused


@pytest.mark.slow
def test_full_rows_give_the_inputs_gemma_reads(embedded_gguf):
    from gguf import quants

    from align.translate import embedded_gguf_path

    vocabulary = NarrowedVocabulary(embedded_gguf_path(), read_kept_tokens(EMBEDDED_VOCABULARY))
    matrix = {t.name: t for t in embedded_gguf.tensors}["token_embd.weight"]
    tokens = [5, 106, 200_000]
    expected = quants.dequantize(np.asarray(matrix.data[tokens]), matrix.tensor_type)
    np.testing.assert_array_equal(vocabulary.rows(tokens), expected)
    np.testing.assert_allclose(vocabulary.inputs(tokens), expected * np.sqrt(640), rtol=1e-6)
