"""The loaders, each source in the resolution order, and each way a source can fail."""

from __future__ import annotations

import dataclasses
import gzip
import shutil
import tarfile

import numpy as np
import pytest
from conftest import add_bytes, release_for

from utils import data, sources
from utils.archives import DataError, sha256sum


def use(monkeypatch, name: str, release: sources.Release) -> None:
    """Make the loaders expect `release` (tiny test files) in place of the real one."""
    monkeypatch.setattr(data, name, release)


# --- Fashion-MNIST: every source in the resolution order ---------------------------------


def test_fashion_mnist_loads_from_offline_folder(fashion_files, monkeypatch, capsys):
    folder, release, arrays = fashion_files
    use(monkeypatch, "FASHION_MNIST_IDX", release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    (x_train, y_train), (x_test, y_test), names = data.load_fashion_mnist()
    assert x_train.shape == (6, 28, 28) and x_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert x_test.shape == (4, 28, 28) and y_train.shape == (6,)
    assert names[0] == "T-shirt/top" and names[9] == "Ankle boot"
    assert "(offline folder $COURSE_DATA_DIR)" in capsys.readouterr().out


def test_offline_folder_may_hold_the_data_in_a_named_subfolder(fashion_files, monkeypatch, tmp_path, capsys):
    folder, release, _ = fashion_files
    use(monkeypatch, "FASHION_MNIST_IDX", release)
    shutil.copytree(folder, tmp_path / "offline" / "fashion-mnist")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "offline"))
    assert len(data.load_fashion_mnist().train[0]) == 6
    assert "$COURSE_DATA_DIR/fashion-mnist/" in capsys.readouterr().out


def test_fashion_mnist_falls_back_to_the_system_copy(fashion_files, monkeypatch, capsys):
    folder, release, _ = fashion_files
    use(monkeypatch, "FASHION_MNIST_IDX", release)
    monkeypatch.setattr(sources, "SYSTEM_DIRS", {"fashion-mnist": folder})
    assert len(data.load_fashion_mnist().test[0]) == 4
    assert "(system copy)" in capsys.readouterr().out


def test_offline_folder_wins_over_system_copy_and_cache(fashion_files, monkeypatch, tmp_path, capsys):
    folder, release, _ = fashion_files
    use(monkeypatch, "FASHION_MNIST_IDX", release)
    monkeypatch.setattr(sources, "SYSTEM_DIRS", {"fashion-mnist": folder})
    shutil.copytree(folder, sources.cache_dir())
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    data.load_fashion_mnist()
    assert "(offline folder $COURSE_DATA_DIR)" in capsys.readouterr().out


def test_fashion_mnist_falls_back_to_the_cache(fashion_files, monkeypatch, capsys):
    folder, release, _ = fashion_files
    use(monkeypatch, "FASHION_MNIST_IDX", release)
    shutil.copytree(folder, sources.cache_dir())
    assert len(data.load_fashion_mnist().train[1]) == 6
    assert "(cache)" in capsys.readouterr().out


def test_fashion_mnist_downloads_into_the_cache_with_checksums(fashion_files, monkeypatch, capsys):
    folder, release, _ = fashion_files
    use(monkeypatch, "FASHION_MNIST_IDX", dataclasses.replace(release, base_url=folder.as_uri() + "/"))
    (x_train, _), _, _ = data.load_fashion_mnist()
    assert len(x_train) == 6
    assert sorted(p.name for p in sources.cache_dir().iterdir()) == sorted(name for name, _ in release.files)
    assert "downloaded from" in capsys.readouterr().out
    data.load_fashion_mnist()
    assert "(cache)" in capsys.readouterr().out


def test_download_with_the_wrong_checksum_fails_and_leaves_no_file(fashion_files, monkeypatch):
    folder, release, _ = fashion_files
    wrong = tuple((name, "0" * 64) for name, _ in release.files)
    use(monkeypatch, "FASHION_MNIST_IDX", dataclasses.replace(release, files=wrong, base_url=folder.as_uri() + "/"))
    with pytest.raises(DataError, match="not found") as error:
        data.load_fashion_mnist()
    assert "download" in str(error.value)
    assert not any(sources.cache_dir().rglob("*.gz"))


def test_missing_data_lists_every_place_searched_and_the_offline_fix(fashion_files, monkeypatch, tmp_path):
    _, release, _ = fashion_files
    unreachable = (tmp_path / "nowhere").as_uri() + "/"
    use(monkeypatch, "FASHION_MNIST_IDX", dataclasses.replace(release, base_url=unreachable))
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "empty"))
    with pytest.raises(DataError) as error:
        data.load_fashion_mnist()
    message = str(error.value)
    for place in ("offline folder", "system copy", "cache", "download", "COURSE_DATA_DIR", "apt-get install"):
        assert place in message


def test_wrong_checksum_in_offline_folder_names_the_file(fashion_files, monkeypatch):
    folder, release, _ = fashion_files
    use(monkeypatch, "FASHION_MNIST_IDX", release)
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x01\x07"))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte\.gz has the wrong sha256"):
        data.load_fashion_mnist()


def test_truncated_idx_file_gives_a_clear_error(fashion_files, monkeypatch):
    folder, release, _ = fashion_files
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:200])
    use(monkeypatch, "FASHION_MNIST_IDX", release_for(folder, [n for n, _ in release.files], release))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(DataError, match="corrupt or truncated"):
        data.load_fashion_mnist()


def test_idx_file_whose_header_lies_about_its_size_is_rejected(fashion_files, monkeypatch):
    folder, release, _ = fashion_files
    path = folder / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(bytes([0, 0, 8, 1]) + (9).to_bytes(4, "big") + bytes(6)))
    use(monkeypatch, "FASHION_MNIST_IDX", release_for(folder, [n for n, _ in release.files], release))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(DataError, match="header promises"):
        data.load_fashion_mnist()


# --- CIFAR-10 -------------------------------------------------------------------------------


def test_cifar10_jpeg_copy_decodes_in_official_label_order(cifar_jpeg_archive, monkeypatch, capsys):
    folder, release = cifar_jpeg_archive
    use(monkeypatch, "CIFAR10_JPEG", release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    (x_train, y_train), (x_test, y_test), names = data.load_cifar10()
    assert x_train.shape == (20, 32, 32, 3) and x_train.dtype == np.uint8
    assert x_test.shape == (10, 32, 32, 3) and y_test.tolist() == list(range(10))
    assert y_train.tolist() == [label for label in range(10) for _ in range(2)]
    assert names == data.CIFAR10_CLASSES
    assert abs(int(x_train[-1, 0, 0, 0]) - 225) <= 3  # red channel of the "truck" colour
    assert "JPEG copy" in capsys.readouterr().out


def test_cifar10_jpeg_copy_is_decoded_once_then_read_from_the_cache(cifar_jpeg_archive, monkeypatch):
    folder, release = cifar_jpeg_archive
    use(monkeypatch, "CIFAR10_JPEG", release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    first = data.load_cifar10()
    assert len(list(sources.cache_dir().glob("cifar-10-images-*.npz"))) == 1
    monkeypatch.setattr(data, "_read_jpeg_folder", lambda *a: pytest.fail("JPEGs decoded again"))
    second = data.load_cifar10()
    for a, b in zip((*first.train, *first.test), (*second.train, *second.test), strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype


def test_damaged_decoded_cache_is_rebuilt(cifar_jpeg_archive, monkeypatch):
    folder, release = cifar_jpeg_archive
    use(monkeypatch, "CIFAR10_JPEG", release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    data.load_cifar10()
    (memo,) = sources.cache_dir().glob("cifar-10-images-*.npz")
    memo.write_bytes(b"not an npz file")
    assert data.load_cifar10().train[0].shape == (20, 32, 32, 3)
    assert memo.read_bytes()[:2] == b"PK"  # rewritten as a real .npz (zip) file


def test_cifar10_official_release_reads_pickles_from_the_verified_archive(cifar_python_archive, monkeypatch):
    folder, release = cifar_python_archive
    use(monkeypatch, "CIFAR10_PYTHON", release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    (x_train, y_train), (x_test, y_test), _ = data.load_cifar10()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_train.tolist() == [0, 1] * 5 and y_test.tolist() == [0, 1, 2]
    cache = sources.cache_dir()
    assert not cache.exists() or list(cache.iterdir()) == []  # nothing was extracted


def test_cifar10_pickles_are_never_read_when_the_checksum_fails(cifar_python_archive, monkeypatch):
    folder, release = cifar_python_archive
    use(monkeypatch, "CIFAR10_PYTHON", dataclasses.replace(release, files=(("cifar-10-python.tar.gz", "f" * 64),)))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    monkeypatch.setattr(data.pickle, "load", lambda *a, **k: pytest.fail("unverified pickle was read"))
    with pytest.raises(DataError, match="wrong sha256"):
        data.load_cifar10()


def test_truncated_archive_fails_and_leaves_no_half_filled_cache(cifar_jpeg_archive, monkeypatch):
    folder, _ = cifar_jpeg_archive
    archive = folder / "cifar-10-images.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-300])
    use(monkeypatch, "CIFAR10_JPEG", release_for(folder, [archive.name], data.CIFAR10_JPEG))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(DataError, match="corrupt or truncated"):
        data.load_cifar10()
    assert list(sources.cache_dir().iterdir()) == []


def test_archive_with_a_path_traversal_member_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "evil"
    folder.mkdir()
    with tarfile.open(folder / "cifar-10-images.tar.gz", "w:gz") as tar:
        add_bytes(tar, "cifar-10-images/train/cat/0000.jpg", b"x")
        add_bytes(tar, "../../escaped.txt", b"owned")
    use(monkeypatch, "CIFAR10_JPEG", release_for(folder, ["cifar-10-images.tar.gz"], data.CIFAR10_JPEG))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(DataError, match="unsafe member"):
        data.load_cifar10()
    assert not list(tmp_path.rglob("escaped.txt"))
    assert list(sources.cache_dir().iterdir()) == []


# --- IMDB -------------------------------------------------------------------------------------


def test_imdb_returns_raw_reviews_and_binary_labels(imdb_archive, monkeypatch):
    folder, release = imdb_archive
    use(monkeypatch, "IMDB_LABELED", release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    (train_texts, y_train), (test_texts, y_test) = data.load_imdb()
    assert len(train_texts) == len(test_texts) == 4
    assert y_train.tolist() == y_test.tolist() == [0, 1, 1, 1] and y_train.dtype == np.int64
    assert "<br />" in train_texts[0] and "caf\u00e9" in train_texts[1]
    assert train_texts[2:] == ["Loved it.", "Good fun."]  # ids 1 then 10: numeric order, not the names' text order


def test_imdb_review_not_named_id_rating_is_a_clear_error(tmp_path, monkeypatch):
    folder = tmp_path / "imdb"
    folder.mkdir()
    with tarfile.open(folder / "aclImdb_v1_labeled.tar.gz", "w:gz") as tar:
        for split in ("train", "test"):
            add_bytes(tar, f"aclImdb/{split}/neg/0_1.txt", b"Dull.")
            add_bytes(tar, f"aclImdb/{split}/pos/best.txt", b"Great.")
    use(monkeypatch, "IMDB_LABELED", release_for(folder, ["aclImdb_v1_labeled.tar.gz"], data.IMDB_LABELED))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(DataError, match=r"best.txt is not named <id>_<rating>.txt"):
        data.load_imdb()


def test_imdb_extraction_is_reused_on_the_second_load(imdb_archive, monkeypatch):
    folder, release = imdb_archive
    use(monkeypatch, "IMDB_LABELED", release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    data.load_imdb()
    extracted = list(sources.cache_dir().iterdir())
    data.load_imdb()
    assert list(sources.cache_dir().iterdir()) == extracted and len(extracted) == 1


# --- Irish folk tunes -------------------------------------------------------------------------


def test_tunes_split_at_x_headers_even_across_blank_lines(tunes_file, monkeypatch):
    folder, release = tunes_file
    use(monkeypatch, "IRISH_ABC", release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    text, tunes = data.load_irish_folk_tunes()
    assert len(tunes) == 2
    assert tunes[1].startswith("X:2") and tunes[1].endswith("G4:|!")
    assert text.startswith("X:1")


def test_abc_file_with_text_before_the_first_tune_gives_a_clear_error(tmp_path, monkeypatch):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "irish.abc").write_text("garbage line\nX:1\nK:D\nABC|\n")
    use(monkeypatch, "IRISH_ABC", release_for(folder, ["irish.abc"], data.IRISH_ABC))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(DataError, match="not a file of ABC tunes: ABC text before the first 'X:'"):
        data.load_irish_folk_tunes()


def test_abc_file_that_is_not_utf8_gives_a_clear_error(tmp_path, monkeypatch):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "irish.abc").write_bytes(b"X:1\nK:D\n\xff\xfe\x00junk")
    use(monkeypatch, "IRISH_ABC", release_for(folder, ["irish.abc"], data.IRISH_ABC))
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(DataError, match="not UTF-8"):
        data.load_irish_folk_tunes()


# --- Multi30k -------------------------------------------------------------------------------


def test_multi30k_from_the_course_archive_keeps_pairs_aligned(multi30k_files, monkeypatch, capsys):
    _, archived, upstream_release, archive_release = multi30k_files
    use(monkeypatch, "MULTI30K_UPSTREAM", upstream_release)
    use(monkeypatch, "MULTI30K_ARCHIVE", archive_release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(archived))
    train, validation, test = data.load_multi30k()
    assert train.german == ["Zwei Männer.", "Ein Hund\u2028läuft.", "Ein Kind spielt."]
    assert train.english == ["Two men.", "A dog runs.", "A child plays."]  # line 3 still pairs with line 3
    assert validation == (["Eine Frau singt."], ["A woman sings."])
    assert test.english == ["A ball.", "Two balls."]
    assert "multi30k.tar.gz copy" in capsys.readouterr().out


def test_multi30k_from_the_six_upstream_files(multi30k_files, monkeypatch, capsys):
    upstream, _, upstream_release, archive_release = multi30k_files
    use(monkeypatch, "MULTI30K_UPSTREAM", upstream_release)
    use(monkeypatch, "MULTI30K_ARCHIVE", archive_release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(upstream))
    assert data.load_multi30k().test.german == ["Ein Ball.", "Zwei Bälle."]
    assert "upstream task 1 files" in capsys.readouterr().out


def test_multi30k_downloads_the_upstream_files_with_checksums(multi30k_files, monkeypatch, capsys):
    upstream, _, upstream_release, archive_release = multi30k_files
    use(monkeypatch, "MULTI30K_UPSTREAM", dataclasses.replace(upstream_release, base_url=upstream.as_uri() + "/"))
    use(monkeypatch, "MULTI30K_ARCHIVE", archive_release)
    assert len(data.load_multi30k().train.english) == 3
    assert "downloaded from" in capsys.readouterr().out
    assert sorted(p.name for p in sources.cache_dir().iterdir()) == sorted(n for n, _ in upstream_release.files)


def use_damaged_upstream_files(monkeypatch, upstream, upstream_release, archive_release) -> None:
    """Offer the upstream files as they now are, damaged on purpose, with checksums that match them."""
    files = tuple((name, sha256sum(upstream / name)) for name, _ in upstream_release.files)
    use(monkeypatch, "MULTI30K_UPSTREAM", dataclasses.replace(upstream_release, files=files))
    use(monkeypatch, "MULTI30K_ARCHIVE", archive_release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(upstream))


def test_multi30k_with_a_different_count_per_language_names_both_files(multi30k_files, monkeypatch):
    upstream, _, upstream_release, archive_release = multi30k_files
    (upstream / "val.en.gz").write_bytes(gzip.compress(b"A woman sings.\nAn extra line.\n"))
    use_damaged_upstream_files(monkeypatch, upstream, upstream_release, archive_release)
    with pytest.raises(DataError, match=r"val\.de\.gz has 1 sentences but .*val\.en\.gz has 2"):
        data.load_multi30k()


def test_multi30k_truncated_gzip_is_a_clear_error(multi30k_files, monkeypatch):
    upstream, _, upstream_release, archive_release = multi30k_files
    whole = (upstream / "train.de.gz").read_bytes()
    (upstream / "train.de.gz").write_bytes(whole[: len(whole) // 2])
    use_damaged_upstream_files(monkeypatch, upstream, upstream_release, archive_release)
    with pytest.raises(DataError, match=r"train\.de\.gz is not a complete gzip file"):
        data.load_multi30k()


def test_multi30k_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "val.de.gz"
    path.write_bytes(gzip.compress(b"Eine Frau \xff singt.\n"))
    with pytest.raises(DataError, match=r"val\.de\.gz is not UTF-8 text"):
        data.read_sentences(path)


def test_multi30k_archive_whose_files_are_not_the_upstream_ones_is_refused(multi30k_files, monkeypatch):
    _, archived, upstream_release, archive_release = multi30k_files
    wrong = tuple((name, "0" * 64) for name, _ in upstream_release.files)
    use(monkeypatch, "MULTI30K_UPSTREAM", dataclasses.replace(upstream_release, files=wrong))
    use(monkeypatch, "MULTI30K_ARCHIVE", archive_release)
    monkeypatch.setenv("COURSE_DATA_DIR", str(archived))
    with pytest.raises(DataError, match=r"train\.de\.gz has the wrong sha256"):
        data.load_multi30k()


def test_multi30k_wrong_archive_checksum_names_the_archive(multi30k_files, monkeypatch):
    _, archived, upstream_release, archive_release = multi30k_files
    use(monkeypatch, "MULTI30K_UPSTREAM", upstream_release)
    use(monkeypatch, "MULTI30K_ARCHIVE", dataclasses.replace(archive_release, files=(("multi30k.tar.gz", "0" * 64),)))
    monkeypatch.setenv("COURSE_DATA_DIR", str(archived))
    with pytest.raises(DataError, match=r"multi30k\.tar\.gz has the wrong sha256"):
        data.load_multi30k()
