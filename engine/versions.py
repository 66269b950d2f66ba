"""Process models and their versions: deploy a folder of models, list what is deployed.

A version is the content hash of a model's files; deploying unchanged files creates no
new version. Deployment is all or nothing: if any model has a problem, none is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import specs
from .errors import NotFound
from .models import ModelVersion


@dataclass(frozen=True)
class Deployed:
    model: str
    version: str
    created: bool


def read_checked(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(model name, files) of every model folder under ``path``; raises ModelError with
    every problem of every model, or NotFound if there is no model folder."""
    folders = specs.model_folders(path)
    if not folders:
        raise NotFound("no process model folders under {path}",
                       hint="a model is a folder holding NAME.bpmn", path=path)
    problems = []
    loaded = []
    for folder in folders:
        files = specs.read_files(folder)
        problems += specs.check(folder.name, files)
        loaded.append((folder.name, files))
    if problems:
        raise specs.ModelError("{count} problem(s) in the models; nothing was deployed",
                               problems=problems,
                               hint="run `opiflow validate` and fix each one",
                               count=len(problems))
    return loaded


def deploy(s: Session, loaded: list[tuple[str, dict[str, str]]],
           now: datetime) -> list[Deployed]:
    """Add the versions not deployed yet (nothing is committed here)."""
    results = []
    for name, files in loaded:
        version = specs.content_hash(files)
        exists = s.scalar(select(ModelVersion.id).where(
            ModelVersion.model == name, ModelVersion.version == version))
        if not exists:
            s.add(ModelVersion(model=name, version=version, files=files, deployed_at=now,
                               deployed_by="kommandolinjen"))
        results.append(Deployed(name, version, not exists))
    return results


def newest(s: Session, model: str, authority_id: int | None = None) -> ModelVersion:
    """The newest deployed version of ``model`` that ``authority_id`` starts from: one
    deployed from the files, or one its own designers saved in the browser."""
    query = select(ModelVersion).where(ModelVersion.model == model)
    if authority_id is not None:
        query = query.where(or_(ModelVersion.authority_id.is_(None),
                                ModelVersion.authority_id == authority_id))
    version = s.scalar(query.order_by(ModelVersion.id.desc()).limit(1))
    if version is None:
        raise NotFound("no process model named {model}",
                       hint="deploy it first (opiflow deploy) or see opiflow models", model=model)
    return version


def listing(s: Session) -> list[dict]:
    """Each model with its newest version, when it was deployed and how many it has."""
    rows = s.execute(select(ModelVersion.model, ModelVersion.version,
                            ModelVersion.deployed_at)
                     .order_by(ModelVersion.model, ModelVersion.id)).all()
    latest: dict[str, dict] = {}
    for model, version, at in rows:
        entry = latest.setdefault(model, {"model": model, "versions": 0})
        entry.update(version=version, deployed_at=at.isoformat(),
                     versions=entry["versions"] + 1)
    return list(latest.values())
