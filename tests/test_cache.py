"""The build's one store: entries named by what they are made from, written whole, pruned to what a build used."""

from __future__ import annotations

import os

from generator.cache import Store, atomic_write, key


def test_a_key_keeps_its_parts_apart():
    assert key("ab", "c") != key("a", "bc")
    assert key("a", b"b") == key("a", "b") and len(key("x")) == 64


def test_an_entry_saved_is_loaded_again_and_a_damaged_one_is_missing(tmp_path):
    store = Store(tmp_path)
    store.save("indicators", key("one"), {"value": 1})
    assert Store(tmp_path).load("indicators", key("one")) == {"value": 1}
    store.path("indicators", key("two"), ".pickle").parent.mkdir(parents=True, exist_ok=True)
    store.path("indicators", key("two"), ".pickle").write_bytes(b"not a pickle")
    assert Store(tmp_path).load("indicators", key("two")) is None, "made again, never an error"


def test_without_reuse_nothing_is_found_but_what_is_made_is_written(tmp_path):
    Store(tmp_path).save("indicators", key("one"), 1)
    fresh = Store(tmp_path, reuse=False)
    assert fresh.load("indicators", key("one")) is None and not fresh.has("indicators", key("one"), ".pickle")
    fresh.save("indicators", key("one"), 2)
    assert Store(tmp_path).load("indicators", key("one")) == 2


def test_atomic_write_leaves_no_partial_file(tmp_path):
    atomic_write(tmp_path / "a" / "b.svg", b"<svg/>")
    assert [path.name for path in (tmp_path / "a").iterdir()] == ["b.svg"]


def test_prune_deletes_only_the_entries_this_build_did_not_use(tmp_path):
    old = Store(tmp_path)
    for name in ("kept", "dropped"):
        old.save("indicators", key(name), name)
    atomic_write(old.path("images", key("picture"), ".svg"), b"<svg/>")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "fonts.conf").write_text("settings of the drawing processes")
    past = os.stat(tmp_path).st_mtime - 60
    for path in tmp_path.rglob("*"):
        os.utime(path, (past, past))

    build = Store(tmp_path)
    assert build.load("indicators", key("kept")) == "kept"
    build.save("releases", key("new"), "written by this build")
    assert build.prune() == 2  # "dropped" and the picture
    assert Store(tmp_path).load("indicators", key("kept")) == "kept"
    assert Store(tmp_path).load("indicators", key("dropped")) is None
    assert not list((tmp_path / "images").rglob("*.svg"))
    assert Store(tmp_path).load("releases", key("new")) == "written by this build"
    assert (tmp_path / "fonts" / "fonts.conf").is_file(), "only entries of the store are pruned"
