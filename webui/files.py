"""Documents attached to a task form, stored in the instance folder by content hash.

An upload is written to ``UPLOAD_FOLDER/<instance id>/<sha256>`` and the task data gets
``{"filename", "sha256", "size"}``: the workflow keeps the reference, the file system
the bytes. Identical content is stored once.

A file is stored only when its submission is accepted: :func:`receive` reads it and
makes its reference (nothing is written); :func:`storing_received` writes the received
files under temporary names around the completion and moves them into place once it
has committed, or removes them when it fails. A refused or unauthorized submission
leaves the upload folder as it was.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, g

_SHA = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")


def folder(instance_id: str) -> Path:
    if not _ID.match(instance_id):
        raise ValueError("not an instance id")
    return Path(current_app.config["UPLOAD_FOLDER"]) / instance_id


def receive(upload) -> dict:
    """The reference of an uploaded file (werkzeug FileStorage), once per upload and
    request. Nothing is written: :func:`storing_received` stores it if accepted."""
    received = g.setdefault("received_uploads", {})
    if id(upload) in received:
        return received[id(upload)][0]
    digest, size = hashlib.sha256(), 0
    upload.stream.seek(0)
    for chunk in iter(lambda: upload.stream.read(65536), b""):
        digest.update(chunk)
        size += len(chunk)
    name = os.path.basename(upload.filename or "dokument").strip() or "dokument"
    ref = {"filename": name[:200], "sha256": digest.hexdigest(), "size": size}
    received[id(upload)] = (ref, upload)
    return ref


def received() -> set[str]:
    """The sha256 of every file received (not yet stored) in this request."""
    return {ref["sha256"] for ref, _upload in g.get("received_uploads", {}).values()}


@contextmanager
def storing_received(instance_id: str):
    """Around the completion that commits: the files received in this request are
    written under temporary names first (a full disk refuses the completion), moved into
    place when the block succeeds, and removed when it raises."""
    uploads = list(g.pop("received_uploads", {}).values())
    if not uploads:
        yield
        return
    target = folder(instance_id)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, Path]] = []
    try:
        for ref, upload in uploads:
            upload.stream.seek(0)
            with tempfile.NamedTemporaryFile(dir=target, prefix=".incoming-",
                                             delete=False) as tmp:
                written.append((tmp.name, target / ref["sha256"]))
                shutil.copyfileobj(upload.stream, tmp)
        yield
    except BaseException:
        for temporary, _final in written:
            Path(temporary).unlink(missing_ok=True)
        if created:
            _remove_if_empty(target)
        raise
    for temporary, final in written:
        os.replace(temporary, final)


def _remove_if_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass


def path_of(instance_id: str, sha256: str) -> Path | None:
    if not _SHA.match(sha256):
        return None
    path = folder(instance_id) / sha256
    return path if path.is_file() else None


def documents(data, where: str = "") -> Iterator[tuple[str, dict]]:
    """Every file reference in the instance data, with the key it sits under."""
    if isinstance(data, Mapping):
        if {"filename", "sha256", "size"} <= set(data):
            yield where, dict(data)
            return
        for key, value in data.items():
            yield from documents(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from documents(value, f"{where}.{i}")
