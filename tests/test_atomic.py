"""Atomic writes: a file is replaced whole or left as it was."""

import os
import stat

import pytest

from embedlab.atomic import atomic_directory, atomic_open, atomic_path, write_text
from embedlab.errors import EmbedlabError


def test_write_text_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "report.md"
    path.write_text("old", encoding="utf-8")
    write_text(path, "new é\n")
    assert path.read_text(encoding="utf-8") == "new é\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_an_error_in_the_block_keeps_the_old_file(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_open(path, "wb") as f:
        f.write(b"half of the new")
        raise RuntimeError("interrupted")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.txt"]


def test_an_error_before_the_first_write_creates_nothing(tmp_path):
    path = tmp_path / "plot.png"
    with pytest.raises(KeyboardInterrupt), atomic_path(path):
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_file_gets_the_permissions_of_a_plain_open(tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("x")
    path = tmp_path / "atomic"
    write_text(path, "x")
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


def test_only_write_modes_are_accepted(tmp_path):
    with pytest.raises(ValueError, match="mode"), atomic_open(tmp_path / "x", "a"):
        pass


def test_a_directory_is_replaced_whole_and_only_when_asked(tmp_path):
    out = tmp_path / "clf"
    saved = '{"format": "embedlab.classifier"}'  # overwrite replaces only embedlab's layouts
    with atomic_directory(out) as tmp:
        (tmp / "config.json").write_text(saved)
    with pytest.raises(EmbedlabError, match="already exists.*overwrite"), atomic_directory(out):
        pass
    with pytest.raises(RuntimeError), atomic_directory(out, overwrite=True) as tmp:
        (tmp / "config.json").write_text("half")
        raise RuntimeError("interrupted")
    assert (out / "config.json").read_text() == saved
    with atomic_directory(out, overwrite=True) as tmp:
        (tmp / "model.keras").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == ["model.keras"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clf"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_directory_gets_the_permissions_of_a_plain_mkdir(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    with atomic_directory(tmp_path / "clf"):
        pass
    mode = stat.S_IMODE((tmp_path / "clf").stat().st_mode)
    assert mode == stat.S_IMODE(plain.stat().st_mode)
