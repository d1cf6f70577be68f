"""The content-addressed cache: stable keys, namespaces, persistence across connections."""

import multiprocessing

from align.cache import Cache, content_key


def test_keys_separate_their_parts():
    assert content_key("ab", "c") != content_key("a", "bc")
    assert content_key("x") == content_key("x")


def test_values_persist_and_namespaces_are_separate(tmp_path):
    path = tmp_path / "c.sqlite3"
    cache = Cache(path)
    cache.put_many("drafts", {"k1": b"one", "k2": b"two"})
    cache.close()
    reopened = Cache(path)
    assert reopened.get_many("drafts", ["k1", "k2", "k3"]) == {"k1": b"one", "k2": b"two"}
    assert reopened.get_many("embeddings", ["k1"]) == {}


def test_disabled_cache_keeps_nothing():
    cache = Cache(None)
    cache.put_many("drafts", {"k": b"v"})
    assert cache.get_many("drafts", ["k"]) == {}


def _open_and_write(path, worker: int, start, errors) -> None:
    start.wait()
    try:
        Cache(path).put_many("drafts", {f"k{worker}": b"v"})
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(repr(exc))


def test_workers_opening_a_fresh_cache_together_all_get_in(tmp_path):
    # Ray actors and batch workers start at the same moment on a new cache file; switching it to
    # WAL used to answer "database is locked" to some of them (seen in CI about one round in ten).
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    for round_ in range(100):
        path = tmp_path / f"c{round_}.sqlite3"
        start = context.Barrier(8)
        workers = [context.Process(target=_open_and_write, args=(path, i, start, errors)) for i in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert errors.empty(), errors.get()
        assert len(Cache(path).get_many("drafts", [f"k{i}" for i in range(8)])) == 8
