"""Checksums and safe, atomic extraction."""

from __future__ import annotations

import io
import tarfile

import pytest
from conftest import add_bytes

from utils.archives import DataError, extract_tar, md5sum, sha256sum, verify_checksum


def test_checksums_match_known_digests(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    assert sha256sum(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert md5sum(path) == "900150983cd24fb0d6963f7d28e17f72"
    verify_checksum(path, "900150983cd24fb0d6963f7d28e17f72")
    with pytest.raises(DataError, match=r"abc\.txt has the wrong md5 checksum.*delete it and download it again"):
        verify_checksum(path, "0" * 32)


def test_extraction_is_atomic_and_reused(tmp_path):
    archive = tmp_path / "a.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        add_bytes(tar, "top/file.txt", b"hello")
    target = extract_tar(archive, tmp_path / "out")
    assert (target / "top" / "file.txt").read_text() == "hello"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    (target / "top" / "file.txt").write_text("kept")
    extract_tar(archive, tmp_path / "out")
    assert (target / "top" / "file.txt").read_text() == "kept"


@pytest.mark.parametrize("name", ["/etc/evil", "a/../../evil"])
def test_members_escaping_the_target_are_refused(tmp_path, name):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        add_bytes(tar, name, b"x")
    with pytest.raises(DataError, match="unsafe member"):
        extract_tar(archive, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.tar"]


def test_links_pointing_outside_are_refused(tmp_path):
    archive = tmp_path / "link.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("top/passwd")
        info.type = tarfile.SYMTYPE
        info.linkname = "../../etc/passwd"
        tar.addfile(info, io.BytesIO())
    with pytest.raises(DataError, match="points outside the archive"):
        extract_tar(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_garbage_archive_names_the_file_and_the_fix(tmp_path):
    archive = tmp_path / "junk.tar.gz"
    archive.write_bytes(b"this is not a tar file")
    with pytest.raises(DataError, match=r"(?s)junk\.tar\.gz could not be extracted.*download it again"):
        extract_tar(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
