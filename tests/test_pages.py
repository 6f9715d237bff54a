"""Saved HTML pages are written whole or not at all."""

import os

import pytest

from bp4.files.pages import write_page


def test_a_page_replaces_the_old_one_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "lesson.html"
    path.write_text("old", encoding="utf-8")
    assert write_page(path, "<p>δ^L</p>") == path
    assert path.read_text(encoding="utf-8") == "<p>δ^L</p>"
    assert os.listdir(tmp_path) == ["lesson.html"]


def test_an_interrupted_write_keeps_the_old_page(tmp_path, monkeypatch):
    path = tmp_path / "lesson.html"
    path.write_text("old", encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_page(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["lesson.html"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_new_page_gets_the_mode_the_umask_gives(tmp_path):
    old = os.umask(0o027)
    try:
        path = write_page(tmp_path / "lesson.html", "page")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640
