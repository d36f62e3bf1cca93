"""``BIOPHYS_CACHE_DIR`` and ``XDG_CACHE_HOME`` as users write them."""

from pathlib import Path

from biophys import _cache


def test_tilde_in_biophys_cache_dir_is_the_home_folder(tmp_path, monkeypatch):
    """A quoted ``BIOPHYS_CACHE_DIR="~/cache"`` (the shell does not expand it; a .env file,
    a systemd unit or a job template neither) made a folder named ``~`` in the working
    directory."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BIOPHYS_CACHE_DIR", "~/cache")
    monkeypatch.chdir(tmp_path)
    assert _cache.cache_root() == tmp_path / "home" / "cache"


def test_a_relative_cache_dir_is_made_absolute(tmp_path, monkeypatch):
    """A relative path named another cache for every working directory (and Numba joins it to
    the working directory of the moment it writes)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BIOPHYS_CACHE_DIR", "rel/cache")
    assert _cache.cache_root() == tmp_path / "rel" / "cache"


def test_a_relative_xdg_cache_home_is_ignored(tmp_path, monkeypatch):
    """The XDG base directory specification: a relative ``XDG_CACHE_HOME`` is invalid and is
    ignored."""
    monkeypatch.delenv("BIOPHYS_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    assert _cache.cache_root() == tmp_path / "home" / ".cache" / "biophys"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _cache.cache_root() == Path(tmp_path / "xdg" / "biophys")
