"""The content-addressed cache: stable keys, namespaces, persistence across connections."""

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
