"""What is in the raw folder: one entry per article id, with the files and their hashes.

Every file the ledger could read gets an article id (its stem), so every input belongs to
an article and is either used or quarantined: an article ``<id>.txt``, its annotations
``<id>.csv``, a file with another extension in ``articles/``, or annotations whose article
is missing. Content hashes (not modification times) tell the sensor what changed.

Hostile entries are listed but never read (:func:`refusal`): a symbolic link that resolves
outside the raw folder (or to nothing), anything that is not a regular file (a FIFO would
block the reader for ever, a device never ends), and an article larger than
``LEDGER_MAX_ARTICLE_BYTES`` (default 5 MB). Their runs quarantine them with the
reason. The paths :func:`article_file`, :func:`annotation_file` and :func:`meta_file` hand
out refuse such a file when read (:class:`RawFile`), whichever code reads them.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE_SUFFIX = ".txt"
ANNOTATION_SUFFIX = ".csv"
META_SUFFIX = ".meta.json"  # optional sidecar: published_on, source, url
MAX_ARTICLE_BYTES_ENV = "LEDGER_MAX_ARTICLE_BYTES"
DEFAULT_MAX_ARTICLE_BYTES = 5 * 1024 * 1024


class RefusedRawFile(OSError):
    """A raw file the ledger does not read; the message names the file and why."""


def max_article_bytes() -> int:
    """``LEDGER_MAX_ARTICLE_BYTES`` (default 5 MB); anything but a positive integer gives the
    default."""
    raw = os.environ.get(MAX_ARTICLE_BYTES_ENV, "").strip().replace("_", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_ARTICLE_BYTES


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a directory",
}


def refusal(path: Path, max_bytes: int | None = None) -> str | None:
    """Why ``path`` (``<raw>/<folder>/<name>``) must not be read, or None (also when it does
    not exist: the caller reports that). A symbolic link is followed only when it resolves
    inside the raw folder (or inside the folder it sits in, which may be a mount)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        resolved = Path(os.path.realpath(path))
        roots = {Path(os.path.realpath(path.parent.parent)), Path(os.path.realpath(path.parent))}
        if not any(resolved.is_relative_to(root) for root in roots):
            shown = target if str(resolved) == target else f"{target} ({resolved})"
            return (
                f"a symbolic link to {shown}, outside the raw folder; not read "
                "(copy the file itself into the raw folder)"
            )
        try:
            info = os.stat(path)
        except OSError:
            return f"a symbolic link to {target}, which does not exist; not read"
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "a special file")
        return f"{kind}, not a regular file; not read"
    if max_bytes is not None and info.st_size > max_bytes:
        return (
            f"{info.st_size:,} bytes, larger than {MAX_ARTICLE_BYTES_ENV} ({max_bytes:,} "
            "bytes); not read (split the article, or raise the limit)"
        )
    return None


class RawFile(type(Path())):
    """A path in the raw folder whose ``read_bytes`` raises :class:`RefusedRawFile` (an
    ``OSError``, so readers report it as an unreadable file) for what :func:`refusal`
    refuses. Articles are held to ``LEDGER_MAX_ARTICLE_BYTES``."""

    def read_bytes(self) -> bytes:
        limit = max_article_bytes() if self.parent.name == "articles" else None
        if self.name.endswith(META_SUFFIX):
            limit = None
        reason = refusal(self, limit)
        if reason:
            shown = self.relative_to(self.parent.parent.parent)
            raise RefusedRawFile(f"{shown}: {reason}")
        return super().read_bytes()


def article_id_of(path: Path) -> str:
    """The article id a raw file belongs to: its stem (``<id>.meta.json`` → ``<id>``)."""
    if path.name.endswith(META_SUFFIX):
        return path.name[: -len(META_SUFFIX)]
    return path.stem


@dataclass
class ArticleInputs:
    article_id: str
    files: dict[str, str] = field(default_factory=dict)  # path relative to raw dir → sha256

    @property
    def fingerprint(self) -> str:
        """One hash of all the article's files: changes when any of them changes."""
        joined = "\n".join(f"{path}:{digest}" for path, digest in sorted(self.files.items()))
        return hashlib.sha256(joined.encode()).hexdigest()[:16]


def _digest(path: Path) -> str:
    """The content's sha256, read in blocks; for an entry that is not read (see
    :func:`refusal`: no size limit here), a digest of what it is instead, so that a changed
    link or a replaced pipe is a change too."""
    reason = refusal(path)
    if reason:
        return "refused:" + hashlib.sha256(reason.encode()).hexdigest()
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _raw_entries(raw_dir: Path):
    """(folder, path, article id) of every input file; hidden files and folders ignored."""
    for folder in ("articles", "annotations"):
        directory = raw_dir / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.name.startswith(".") or (path.is_dir() and not path.is_symlink()):
                continue
            yield folder, path, article_id_of(path)


def list_article_ids(raw_dir: Path) -> list[str]:
    """Every article id of the raw folder, sorted, without reading a file (a full run's
    articles)."""
    return sorted({article_id for _folder, _path, article_id in _raw_entries(raw_dir)})


def scan_raw_dir(raw_dir: Path) -> dict[str, ArticleInputs]:
    """Article id → its input files with their hashes. Links and special files are listed
    (their runs quarantine them), never read."""
    inputs: dict[str, ArticleInputs] = {}
    for folder, path, article_id in _raw_entries(raw_dir):
        entry = inputs.setdefault(article_id, ArticleInputs(article_id))
        try:
            entry.files[f"{folder}/{path.name}"] = _digest(path)
        except OSError as error:  # unreadable: still an input, its run will report it
            entry.files[f"{folder}/{path.name}"] = f"unreadable:{error.errno}"
    return dict(sorted(inputs.items()))


def article_file(raw_dir: Path, article_id: str) -> Path:
    return RawFile(raw_dir, "articles", f"{article_id}{ARTICLE_SUFFIX}")


def annotation_file(raw_dir: Path, article_id: str) -> Path:
    return RawFile(raw_dir, "annotations", f"{article_id}{ANNOTATION_SUFFIX}")


def meta_file(raw_dir: Path, article_id: str) -> Path:
    return RawFile(raw_dir, "articles", f"{article_id}{META_SUFFIX}")


def other_files(raw_dir: Path, article_id: str) -> list[Path]:
    """Files in ``articles/`` with this stem that are not ``<id>.txt`` (nor its sidecar)."""
    directory = raw_dir / "articles"
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.glob(f"{article_id}.*")
        if p.is_file() and p.stem == article_id and p.suffix != ARTICLE_SUFFIX
    )  # <id>.meta.json has the stem <id>.meta: never listed here
