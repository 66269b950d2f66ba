"""Documents attached to a task form, stored in the instance folder by content hash.

An upload is written to ``UPLOAD_FOLDER/<instance id>/<sha256>`` and the task data gets
``{"filename", "sha256", "size"}``: the workflow keeps the reference, the file system
the bytes. Identical content is stored once.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from flask import current_app, g

_SHA = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")


def folder(instance_id: str) -> Path:
    if not _ID.match(instance_id):
        raise ValueError("not an instance id")
    return Path(current_app.config["UPLOAD_FOLDER"]) / instance_id


def store_upload(instance_id: str, upload) -> dict:
    """Store an uploaded file (werkzeug FileStorage); once per upload and request."""
    cache = g.setdefault("stored_uploads", {})
    if id(upload) in cache:
        return cache[id(upload)]
    target = folder(instance_id)
    target.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=target, delete=False) as tmp:
        for chunk in iter(lambda: upload.stream.read(65536), b""):
            digest.update(chunk)
            size += len(chunk)
            tmp.write(chunk)
    sha = digest.hexdigest()
    os.replace(tmp.name, target / sha)
    name = os.path.basename(upload.filename or "dokument").strip() or "dokument"
    cache[id(upload)] = {"filename": name[:200], "sha256": sha, "size": size}
    return cache[id(upload)]


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
