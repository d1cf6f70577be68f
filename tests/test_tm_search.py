"""The translation memory's token index finds exactly the matches an exhaustive search finds."""

from __future__ import annotations

import os
import random
import time

import pytest

import align.translate.tm_search as tm_search
from align.translate.tm import TMIndex
from align.translate.tm_search import TokenIndex, percent, tokens


def _words() -> list[str]:
    """A Zipf-like vocabulary: a few words in most segments (and repeated in them), many rare."""
    common = ["de", "la", "le", "Le", "l'", ",", "et", "les", "à", "."]
    rare = [f"mot{i}" for i in range(400)]
    return common * 25 + rare


def _memory(rng: random.Random, size: int) -> list[str]:
    vocabulary = _words()
    return [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(2, 30))) for _ in range(size)]


def _edited(segment: str, edits: int, rng: random.Random) -> str:
    words = segment.split()
    for _ in range(edits):
        where = rng.randrange(len(words) + 1)
        kind = rng.choice(["substitute", "insert", "delete"]) if len(words) > 1 else "insert"
        if kind == "insert" or where == len(words):
            words.insert(where, rng.choice(["de", "la", "inconnu", f"mot{rng.randrange(400)}"]))
        elif kind == "substitute":
            words[where] = rng.choice(["de", "nouveau", f"mot{rng.randrange(400)}"])
        else:
            del words[where]
    return " ".join(words)


def _exhaustive(memory: list[list[str]], query: str, thresholds: tuple[int, ...]) -> dict[int, set[tuple[int, int]]]:
    """Every stored segment's (tokens') percentage, kept where it reaches each threshold."""
    words = tokens(query)
    scores = [(row, percent(words, segment)) for row, segment in enumerate(memory)]
    return {t: {(row, score) for row, score in scores if score >= t} for t in thresholds}


@pytest.mark.parametrize("budget", [0, tm_search.POSTINGS_BUDGET])
def test_search_finds_every_match_the_exhaustive_search_finds_and_no_other(monkeypatch, budget):
    # Budget 0: the index reads no more of the query's tokens than the filter needs.
    monkeypatch.setattr(tm_search, "POSTINGS_BUDGET", budget)
    rng = random.Random(7)
    memory = _memory(rng, 2000)
    index = TokenIndex.build(memory)
    queries = [_edited(rng.choice(memory), rng.randint(0, 6), rng) for _ in range(150)]
    queries += _memory(rng, 20) + ["de de de la la , .", "inconnu", "de"]
    matched, stored = 0, [tokens(segment) for segment in memory]
    for query in queries:
        for threshold, expected in _exhaustive(stored, query, (50, 75, 90)).items():
            assert set(index.search(query, threshold)) == expected, (query, threshold)
            matched += bool(expected)
    assert matched > 200  # the queries do have matches to lose


def test_search_finds_a_match_that_shares_none_of_the_querys_rarest_tokens():
    # The query's two rarest tokens are its edits; the match shares only common ones.
    filler = [" ".join(["le", "chat", "dort", "sur", "le", "lit", "de", "la", "maison", "."][: 4 + i % 6])
              for i in range(300)]
    stored = "le chat dort sur le lit de la maison ."
    memory = filler + [stored]
    query = "le chat rare1 sur le lit de rare2 maison ."
    assert percent(tokens(query), tokens(stored)) == 80
    assert (len(memory) - 1, 80) in TokenIndex.build(memory).search(query, 75)


def test_search_scores_a_few_segments_not_the_whole_memory(monkeypatch):
    rng = random.Random(3)
    memory = _memory(rng, 5000)
    index = TokenIndex.build(memory)
    scored = []
    monkeypatch.setattr(tm_search, "percent", lambda a, b: scored.append(b) or percent(a, b))
    queries = [_edited(rng.choice(memory), 2, rng) for _ in range(50)]
    for query in queries:
        index.search(query, 75)
    assert len(scored) < 0.01 * len(memory) * len(queries)


@pytest.mark.parametrize("threshold", [1, 100])
def test_search_at_extreme_thresholds_matches_the_exhaustive_search(threshold):
    rng = random.Random(11)
    memory = _memory(rng, 300)
    index = TokenIndex.build(memory)
    stored = [tokens(segment) for segment in memory]
    for query in [_edited(rng.choice(memory), 1, rng) for _ in range(20)] + ["inconnu seul"]:
        assert set(index.search(query, threshold)) == _exhaustive(stored, query, (threshold,))[threshold]


def test_lookup_gives_the_best_matches_first_ties_in_memory_order():
    pairs = [("un deux trois quatre cinq six sept huit neuf dix", "a"),
             ("un deux trois quatre cinq six sept huit neuf onze", "b"),
             ("un deux trois quatre cinq six sept huit neuf douze", "c"),
             ("un deux trois quatre cinq six sept huit dix", "d")]
    found = TMIndex(pairs).lookup("un deux trois quatre cinq six sept huit neuf treize", limit=2)
    assert [(m.target, m.score) for m in found] == [("a", 90), ("b", 90)]
    # The same tokens spaced otherwise: not the stored sentence, so not reused verbatim.
    [same_tokens] = TMIndex([("Le chat dort .", "x")]).lookup("Le chat dort.")
    assert same_tokens.score == 99



def _memory_file(path, rng: random.Random, size: int) -> list[tuple[str, str]]:
    pairs = [(segment, f"en {i}") for i, segment in enumerate(_memory(rng, size))]
    path.write_text("".join(f"{fr}\t{en}\n" for fr, en in pairs), encoding="utf-8")
    return pairs


@pytest.fixture
def stored_memories(tmp_path, monkeypatch):
    """load_tm with its index kept from 100 pairs on, in a cache folder of the test's own."""
    from align.translate import tm

    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tm, "PERSIST_FROM", 100)
    monkeypatch.setattr(tm, "_used_here", set())
    tm._load_tm.cache_clear()
    yield tmp_path / "cache" / "tm"
    tm._load_tm.cache_clear()


def _new_process(monkeypatch) -> None:
    """Forget the indexes built in this process, and fail if one is built again."""
    from align.translate import tm

    def no_build(sources):
        raise AssertionError("indexed again")

    tm._load_tm.cache_clear()
    monkeypatch.setattr(TokenIndex, "build", no_build)


def test_a_large_memorys_index_is_kept_and_read_back_by_the_next_process(tmp_path, monkeypatch, stored_memories):
    from align.translate.tm import load_tm

    rng = random.Random(5)
    memory_file = tmp_path / "memory.tsv"
    pairs = _memory_file(memory_file, rng, 400)
    queries = [_edited(fr, 2, rng) for fr, _ in pairs[:40]] + [pairs[7][0]]
    expected = [TMIndex(pairs, 60).lookup(q) for q in queries]
    load_tm([memory_file])
    assert len(list(stored_memories.glob("*.npz"))) == 1
    _new_process(monkeypatch)
    read_back = load_tm([memory_file], threshold=60)
    assert [read_back.lookup(q) for q in queries] == expected
    assert any(found and found[0].score < 100 for found in expected) and expected[-1][0].score == 100


def test_a_changed_or_damaged_memory_index_is_built_anew(tmp_path, stored_memories):
    from align.translate.tm import load_tm

    rng = random.Random(6)
    memory_file = tmp_path / "memory.tsv"
    _memory_file(memory_file, rng, 200)
    load_tm([memory_file])
    [first] = stored_memories.glob("*.npz")
    first.write_bytes(b"not an index")
    changed = _memory_file(memory_file, rng, 200)  # new contents (and a new stamp for load_tm)
    assert load_tm([memory_file]).lookup(changed[3][0])[0].target == changed[3][1]
    assert len(list(stored_memories.glob("*.npz"))) == 2
    _memory_file(memory_file, random.Random(6), 200)  # the first contents again, index damaged
    assert load_tm([memory_file]).pairs[0][1] == "en 0"
    assert first.read_bytes() != b"not an index"  # written anew


def test_a_small_memorys_index_is_not_kept(tmp_path, stored_memories):
    from align.translate.tm import load_tm

    memory_file = tmp_path / "memory.tsv"
    _memory_file(memory_file, random.Random(8), 50)
    load_tm([memory_file])
    assert not stored_memories.exists()


def test_the_same_bytes_read_another_way_get_an_index_of_their_own(tmp_path, stored_memories):
    from align.errors import DataError
    from align.translate.tm import load_tm

    memory_file = tmp_path / "memory.tsv"
    _memory_file(memory_file, random.Random(9), 150)
    load_tm([memory_file])
    as_tmx = tmp_path / "memory.tmx"
    as_tmx.write_bytes(memory_file.read_bytes())
    with pytest.raises(DataError, match="not well-formed XML"):
        load_tm([as_tmx])


def _last_used(path, days_ago: float) -> None:
    used = time.time() - days_ago * 86_400
    os.utime(path, (used, used))


def _kept_index(path, days_unused: float, size: int = 10) -> None:
    """A stand-in kept index of ``size`` bytes, last used ``days_unused`` ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(size))
    _last_used(path, days_unused)


def _kept_names(folder) -> set[str]:
    return {path.name for path in folder.glob("*.npz")}


def test_writing_a_kept_index_removes_those_unused_for_too_long(tmp_path, stored_memories):
    from align.translate.tm import KEPT_INDEX_MAX_IDLE_DAYS, load_tm

    _kept_index(stored_memories / "idle.npz", KEPT_INDEX_MAX_IDLE_DAYS + 0.1)
    _kept_index(stored_memories / "recent.npz", KEPT_INDEX_MAX_IDLE_DAYS - 0.1)
    memory_file = tmp_path / "memory.tsv"
    _memory_file(memory_file, random.Random(10), 150)
    load_tm([memory_file])
    names = _kept_names(stored_memories)
    assert "idle.npz" not in names and "recent.npz" in names and len(names) == 2


def test_writing_a_kept_index_removes_partial_files_of_killed_writers(tmp_path, stored_memories):
    from align.translate.tm import load_tm

    _kept_index(stored_memories / ".dead.npz.x1y2.tmp", 1.1)  # a writer killed yesterday
    _kept_index(stored_memories / ".busy.npz.z3w4.tmp", 0.001)  # one writing now
    memory_file = tmp_path / "memory.tsv"
    _memory_file(memory_file, random.Random(12), 150)
    load_tm([memory_file])
    assert {path.name for path in stored_memories.glob("*.tmp")} == {".busy.npz.z3w4.tmp"}
    assert len(_kept_names(stored_memories)) == 1


def test_reading_a_kept_index_back_counts_as_a_use(tmp_path, monkeypatch, stored_memories):
    from align.translate import tm

    first, second = tmp_path / "first.tsv", tmp_path / "second.tsv"
    _memory_file(first, random.Random(11), 150)
    _memory_file(second, random.Random(12), 150)
    tm.load_tm([first])
    [index] = stored_memories.glob("*.npz")
    _last_used(index, tm.KEPT_INDEX_MAX_IDLE_DAYS + 1)
    with monkeypatch.context() as patch:
        _new_process(patch)  # which reads the old index back
        tm._used_here.clear()
        assert tm.load_tm([first]).pairs[0][1] == "en 0"
    assert index.stat().st_mtime > time.time() - 60
    tm._load_tm.cache_clear()
    tm._used_here.clear()  # and another one, which writes an index
    tm.load_tm([second])
    assert index.name in _kept_names(stored_memories) and len(_kept_names(stored_memories)) == 2


def test_kept_indexes_over_the_size_cap_go_least_recently_used_first(tmp_path, monkeypatch, stored_memories):
    from align.translate import tm

    for name, days in (("oldest.npz", 3), ("older.npz", 2), ("newer.npz", 1)):
        _kept_index(stored_memories / name, days, size=1 << 20)
    monkeypatch.setattr(tm, "KEPT_INDEXES_MAX_BYTES", 5 << 19)  # 2.5 MiB: room for two stand-ins
    first, second = tmp_path / "first.tsv", tmp_path / "second.tsv"
    _memory_file(first, random.Random(13), 150)
    _memory_file(second, random.Random(14), 150)
    tm.load_tm([first])
    names = _kept_names(stored_memories)
    assert "oldest.npz" not in names and {"older.npz", "newer.npz"} <= names and len(names) == 3
    [first_index] = names - {"older.npz", "newer.npz"}
    # A cap no index fits: all go but the one written and the one this process uses.
    monkeypatch.setattr(tm, "KEPT_INDEXES_MAX_BYTES", 1)
    tm.load_tm([second])
    names = _kept_names(stored_memories)
    assert first_index in names and len(names) == 2 and not names & {"older.npz", "newer.npz"}
