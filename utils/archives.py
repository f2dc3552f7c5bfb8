"""Checksums and safe, atomic extraction of data archives.

Archives come from the internet or from a shared offline folder; either may be
corrupt, truncated or hostile. Everything here fails loudly, names the file and
the fix, and never leaves a half-filled folder behind: extraction goes to a
temporary folder beside the target and is renamed into place only when whole.
"""

from __future__ import annotations

import hashlib
import shutil
import tarfile
import tempfile
from pathlib import Path


class DataError(RuntimeError):
    """A data file is missing, corrupt or unsafe; the message says what to do."""


def sha256sum(path: Path, chunk_size: int = 1 << 20) -> str:
    """Return the hex SHA-256 of the file at `path`, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def md5sum(path: Path, chunk_size: int = 1 << 20) -> str:
    """Return the hex MD5 of the file at `path` (some official releases publish only MD5)."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_checksum(path: Path, expected: str) -> None:
    """Raise `DataError` unless the file's checksum equals `expected`.

    `expected` is a hex SHA-256 (64 digits) or MD5 (32 digits).
    """
    actual = sha256sum(path) if len(expected) == 64 else md5sum(path)
    if actual != expected.lower():
        kind = "sha256" if len(expected) == 64 else "md5"
        raise DataError(
            f"{path} has the wrong {kind} checksum: expected {expected}, got {actual}. "
            "The file is corrupt, truncated or not the official release: "
            "delete it and download it again (or copy a good one in its place)."
        )


def _check_member(member: tarfile.TarInfo, archive: Path) -> None:
    """Reject what the tarfile `data` filter would (absolute paths, `..`, links out).

    Done for every member before anything is written, so a hostile archive
    leaves nothing behind; Python's own `data` filter runs again on extraction.
    """
    name = member.name
    if name.startswith(("/", "\\")) or ".." in Path(name).parts:
        raise DataError(
            f"{archive} holds an unsafe member {name!r} (absolute path or '..'); "
            "refusing to extract it. Use the official archive."
        )
    if member.issym() or member.islnk():
        target = Path(name).parent / member.linkname
        if member.linkname.startswith("/") or ".." in target.parts:
            raise DataError(
                f"{archive} holds a link {name!r} -> {member.linkname!r} that points "
                "outside the archive; refusing to extract it. Use the official archive."
            )


def extract_tar(archive: Path, target: Path) -> Path:
    """Extract the tar archive `archive` into the folder `target`, atomically.

    Members are checked first and extracted with tarfile's `data` filter into a
    temporary folder beside `target`, which is renamed to `target` only when
    extraction finished. If `target` already exists it is returned untouched.
    Raises `DataError` for a corrupt, truncated or unsafe archive.
    """
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                _check_member(member, archive)
            tar.extractall(staging, members=members, filter="data")
        staging.rename(target)
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise DataError(
            f"{archive} could not be extracted ({type(error).__name__}: {error}). "
            "The archive is corrupt or truncated: delete it and download it again."
        ) from error
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target
