"""kpi_lib's cache of derived files: where it is, what keys its entries, how it stays bounded."""

import importlib.metadata
import os
import re
import time

import platformdirs
import pytest
import vl_convert as vlc

from kpi_lib.core import cache
from kpi_lib.presentation import fonts
from kpi_lib.publishing import html_export


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    return folder


def _name(i: int, kind: str = "thing") -> str:
    return cache.entry_name(kind, ".bin", {"i": i})


def _write_at(name: str, data: bytes, keep: int, when: float) -> None:
    """Write, then date the entry `when` (file times are too coarse to order quick writes)."""
    cache.write(name, data, keep=keep)
    os.utime(cache.cache_dir() / name, (when, when))


def _entries(folder, kind: str = "thing") -> list[str]:
    return sorted(p.name for p in folder.iterdir() if re.fullmatch(rf"{kind}-[0-9a-f]{{24}}\.bin", p.name))


def test_the_tests_never_use_the_users_own_cache():
    assert os.environ[cache.ENV_VAR]  # set by conftest.py for the whole session and its subprocesses
    assert str(cache.cache_dir()) == os.environ[cache.ENV_VAR]
    assert str(cache.cache_dir()) != platformdirs.user_cache_dir("kpi_lib", appauthor=False)


def test_without_the_variable_the_cache_is_the_platforms_cache_folder(monkeypatch):
    monkeypatch.delenv(cache.ENV_VAR)
    assert str(cache.cache_dir()) == platformdirs.user_cache_dir("kpi_lib", appauthor=False)


def test_a_cache_file_that_does_not_match_its_digest_is_not_used(cache_folder):
    name = _name(1)
    cache.write(name, b"0123456789", keep=10)
    assert cache.read(name) == b"0123456789"
    (cache_folder / name).write_bytes(b"01234")
    assert cache.read(name) is None
    (cache_folder / name).write_bytes(b"0123456789")
    (cache_folder / (name + ".sha256")).unlink()  # a file stored by an older version, unverifiable
    assert cache.read(name) is None


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker))
    cache.write(_name(1), b"data", keep=10)  # no error
    assert cache.read(_name(1)) is None
    assert blocker.read_text() == "not a folder"


def test_writing_more_than_the_bound_keeps_the_most_recently_used(cache_folder):
    now = time.time() - 1000
    for i in range(5):
        _write_at(_name(i), b"x%d" % i, keep=3, when=now + i)
    assert _entries(cache_folder) == sorted(_name(i) for i in (2, 3, 4))
    assert sorted(p.name for p in cache_folder.glob("*.sha256")) == sorted(_name(i) + ".sha256" for i in (2, 3, 4))
    assert cache.read(_name(2)) == b"x2"  # used now: no longer the oldest
    _write_at(_name(5), b"x5", keep=3, when=now + 5)
    assert _entries(cache_folder) == sorted(_name(i) for i in (2, 4, 5))  # 3 went, not 2
    for i in range(6, 30):
        cache.write(_name(i), b"x", keep=3)
        assert len(_entries(cache_folder)) <= 3
    assert cache.read(_name(29)) == b"x"  # the entry just written is never the one evicted


def test_eviction_removes_nothing_the_cache_did_not_write(cache_folder):
    cache_folder.mkdir()
    others = [
        "notes.txt",
        "thing-custom.bin",  # the kind's prefix, but not a key
        _name(100) + ".bak",
        _name(101).upper(),
        "vega-bundle-1.9.0.post1-vl5.20.js",  # an older kpi_lib's naming
        _name(102, kind="other"),  # another kind: bounded on its own
    ]
    for name in others:
        (cache_folder / name).write_bytes(b"keep me")
        os.utime(cache_folder / name, (1, 1))  # older than anything
    (cache_folder / "sub").mkdir()
    for i in range(6):
        cache.write(_name(i), b"x", keep=2)
    assert len(_entries(cache_folder)) == 2
    for name in others:
        assert (cache_folder / name).read_bytes() == b"keep me"
    assert (cache_folder / "sub").is_dir()


def test_an_entry_name_is_a_digest_of_its_key():
    assert cache.entry_name("ipaexg", ".ttf", {"a": 1, "b": 2}) == cache.entry_name("ipaexg", ".ttf", {"b": 2, "a": 1})
    assert cache.entry_name("ipaexg", ".ttf", {"a": 1}) != cache.entry_name("ipaexg", ".ttf", {"a": 2})
    with pytest.raises(ValueError):
        cache.entry_name("../x", ".ttf", {})


def test_a_font_subset_is_keyed_on_what_determines_its_bytes(tmp_path, monkeypatch):
    chars = "abc進捗率"
    base = fonts.subset_cache_name(chars)
    assert fonts.subset_cache_name(chars) == base
    assert fonts.subset_cache_name(chars + "d") != base

    # another font file of the same size: its digest, not its size, keys the subset
    other = tmp_path / "ipaexg.ttf"
    data = bytearray(fonts.FONT_FILE.read_bytes())
    data[-1] ^= 1
    other.write_bytes(bytes(data))
    monkeypatch.setattr(fonts, "FONT_FILE", other)
    fonts._font_digest.cache_clear()
    try:
        assert fonts.subset_cache_name(chars) != base
    finally:
        monkeypatch.undo()
        fonts._font_digest.cache_clear()
    assert fonts.subset_cache_name(chars) == base

    real_version = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "0.0.1" if name == "fonttools" else real_version(name)
    )
    assert fonts.subset_cache_name(chars) != base
    monkeypatch.undo()

    monkeypatch.setitem(fonts._SUBSET_OPTIONS, "hinting", True)
    assert fonts.subset_cache_name(chars) != base


def test_font_subsets_are_cached_and_bounded(cache_folder, monkeypatch):
    monkeypatch.setattr(fonts, "SUBSETS_KEPT", 3)
    fonts.subset.cache_clear()
    try:
        first = fonts.subset("進捗")
        for chars in ("率", "実績", "目標", "年度"):
            fonts.subset(chars)
        names = sorted(p.name for p in cache_folder.glob("ipaexg-*.ttf"))
        assert len(names) == 3 and fonts.subset_cache_name("年度") in names
        fonts.subset.cache_clear()  # as a new process would
        assert fonts.subset("進捗") == first  # rebuilt the same, byte for byte
        assert fonts.subset_cache_name("進捗") in {p.name for p in cache_folder.glob("ipaexg-*.ttf")}
    finally:
        fonts.subset.cache_clear()


def test_the_vega_bundle_is_keyed_on_vl_convert_and_vega_lite_versions(cache_folder, monkeypatch):
    built = []
    monkeypatch.setattr(vlc, "javascript_bundle", lambda vl_version: built.append(vl_version) or "a</script>b")
    html_export.vega_bundle.cache_clear()
    try:
        assert html_export.vega_bundle("5.20") == "a<\\/script>b"
        html_export.vega_bundle.cache_clear()
        assert html_export.vega_bundle("5.20") == "a<\\/script>b"  # from the cache
        assert built == ["5.20"]
        html_export.vega_bundle("5.21")
        monkeypatch.setattr(vlc, "__version__", "0.0.1")
        html_export.vega_bundle.cache_clear()
        html_export.vega_bundle("5.20")
        assert built == ["5.20", "5.21", "5.20"]
        assert len(list(cache_folder.glob("vega-bundle-*.js"))) == 3
    finally:
        html_export.vega_bundle.cache_clear()


def test_a_truncated_cached_vega_bundle_is_rebuilt(cache_folder, monkeypatch):
    """A bundle cut short in the cache (a full disk, a kill while copying) is not used: the next
    process builds it again, stores it whole, and gets the same script."""
    built = []
    monkeypatch.setattr(vlc, "javascript_bundle", lambda vl_version: built.append(vl_version) or "x" * 200_000)
    html_export.vega_bundle.cache_clear()
    try:
        first = html_export.vega_bundle("5.20")
        [bundle] = cache_folder.glob("vega-bundle-*.js")
        whole = bundle.read_bytes()
        bundle.write_bytes(whole[: len(whole) // 2])
        assert cache.read(bundle.name) is None  # not used
        html_export.vega_bundle.cache_clear()  # a new process
        assert html_export.vega_bundle("5.20") == first
        assert bundle.read_bytes() == whole  # rebuilt and stored again
        assert built == ["5.20", "5.20"]
    finally:
        html_export.vega_bundle.cache_clear()
