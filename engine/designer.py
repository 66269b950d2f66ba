"""The designers' verbs: models and their versions, saving a model from the browser
(validated; valid -> a new version, invalid -> a draft with its problems), comparing
versions, writing a version back to files, and migrating running instances.

Designers are the users in the ``designer`` group of an authority. A version saved in
the browser belongs to the designer's authority; a designer never sees or changes another
authority's versions, and migrates only the instances of their own authority.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, or_, select

from . import migration, model_diff, specs
from .errors import N_, Conflict, Forbidden, InvalidData, NotFound
from .models import Authority, Instance, ModelDraft, ModelVersion, User

DESIGNER = "designer"
# an instance's status as a refusal names it (translated with the refusal)
STATUS_WORDS = {"running": N_("running"), "completed": N_("completed"),
                "cancelled": N_("cancelled")}
MAX_FILES = 200


def check_designer(actor) -> None:
    if actor.is_auditor or DESIGNER not in actor.groups:
        raise Forbidden("only process designers may use the design area",
                        hint="ask an administrator to add you to the group designer")


def visible(query, actor):
    """Versions deployed from files, and those of the designer's own authority."""
    return query.where(or_(ModelVersion.authority_id.is_(None),
                           ModelVersion.authority_id == actor.authority_id))


def models(s, actor) -> list[dict]:
    rows = s.execute(visible(select(
        ModelVersion.model, ModelVersion.version, ModelVersion.deployed_at,
        ModelVersion.deployed_by, ModelVersion.authority_id), actor)
        .order_by(ModelVersion.model, ModelVersion.id)).all()
    counts = dict(((m, v), n) for m, v, n in s.execute(
        select(Instance.model, Instance.model_version, func.count())
        .where(Instance.authority_id == actor.authority_id, Instance.status == "running")
        .group_by(Instance.model, Instance.model_version)))
    result: dict[str, list[dict]] = defaultdict(list)
    for model, version, at, by, owner in rows:
        result[model].append({"version": version, "deployed_at": at, "deployed_by": by,
                              "own": owner is not None, "running": counts.get((model, version), 0)})
    return [{"model": m, "versions": list(reversed(v))} for m, v in sorted(result.items())]


def version(s, actor, model: str, version_id: str) -> ModelVersion:
    row = s.scalar(visible(select(ModelVersion), actor).where(
        ModelVersion.model == model, ModelVersion.version.startswith(version_id[:64])))
    if row is None or not version_id:
        raise NotFound("no version {version_id} of {model}",
                       hint="see the list of models and versions",
                       version_id=version_id[:12], model=model)
    return row


def known_groups(s, authority_id: int) -> set[str]:
    groups: set[str] = set()
    for (names,) in s.execute(select(User.groups).where(User.authority_id == authority_id)):
        groups.update(names or [])
    return groups - {DESIGNER}


def save(s, actor, model: str, files: dict[str, str], now) -> dict:
    """Validate ``files``; deploy them as a new version, or keep them as a draft."""
    if not model.replace("_", "").isalnum() or len(model) > 100:
        raise InvalidData("the model's name may only have letters, digits and _",
                          field="model", hint="use e.g. innovation_partnership")
    if not files or len(files) > MAX_FILES or any(
            not isinstance(k, str) or not isinstance(v, str) or ".." in k or k.startswith("/")
            or not k.endswith(specs.MODEL_SUFFIXES) for k, v in files.items()):
        raise InvalidData("the files cannot be saved", field="files",
                          hint="a model consists of .bpmn, .dmn and .json files")
    newest = s.scalar(select(ModelVersion).where(ModelVersion.model == model)
                      .order_by(ModelVersion.id.desc()).limit(1))
    if newest is not None and newest.authority_id not in (None, actor.authority_id):
        raise NotFound("no model {model}", hint="see the list of models", model=model)
    problems = specs.check(model, files, groups=known_groups(s, actor.authority_id))
    if problems:
        draft = ModelDraft(model=model, authority_id=actor.authority_id, files=files,
                           problems=[p.__dict__ for p in problems], saved_by=actor.name,
                           saved_at=now)
        s.add(draft)
        s.flush()
        return {"deployed": False, "draft": draft.id, "problems": draft.problems}
    digest = specs.content_hash(files)
    if s.scalar(select(ModelVersion.id).where(ModelVersion.model == model,
                                              ModelVersion.version == digest)):
        return {"deployed": False, "version": digest, "problems": [], "unchanged": True}
    s.add(ModelVersion(model=model, version=digest, files=files, deployed_at=now,
                       deployed_by=actor.name, authority_id=actor.authority_id))
    return {"deployed": True, "version": digest, "problems": []}


def draft(s, actor, draft_id: int) -> ModelDraft:
    row = s.get(ModelDraft, draft_id)
    if row is None or row.authority_id != actor.authority_id:
        raise NotFound("no draft {draft_id}", hint="see the list of models",
                       draft_id=draft_id)
    return row


def compare(s, actor, model: str, old: str, new: str) -> model_diff.Comparison:
    return model_diff.compare(version(s, actor, model, old).files,
                              version(s, actor, model, new).files)


def export(files: dict[str, str], folder: Path) -> list[Path]:
    """Write a version's files under ``folder`` (so browser edits can be committed)."""
    written = []
    for name, text in sorted(files.items()):
        target = (folder / name).resolve()
        if folder.resolve() not in target.parents:
            raise InvalidData("the file name {name} leaves the folder", field="files", name=name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def migrate(engine, s, actor, instance: Instance, to_version: str, reason: str,
            dry_run: bool, now) -> dict:
    """Preview (dry run) or carry out moving ``instance`` to ``to_version``."""
    if instance.authority_id != actor.authority_id:
        raise NotFound("no instance {id}", hint="see the instances of your authority",
                       id=instance.id)
    if instance.status != "running":
        raise Conflict("the instance is {status}; only running instances are moved",
                       status=STATUS_WORDS.get(instance.status, instance.status))
    target = version(s, actor, instance.model, to_version)
    if target.version == instance.model_version:
        raise Conflict("the instance already runs on that version",
                       hint="choose a newer version")
    _parsed, wf = engine.store.load(s, instance)
    new = engine.registry.parse(instance.model, target.files)
    plan = migration.plan(wf, new)
    result = {"instance": instance.id, "title": instance.title,
              "from": instance.model_version, "to": target.version, **plan.as_dict()}
    if dry_run or not plan.possible:
        return result
    if not (reason or "").strip():
        raise InvalidData("a move needs a reason", field="reason",
                          hint="write why the instance moves to the new version")
    migration.apply(wf, new)
    old = instance.model_version
    instance.model_version = target.version
    engine.store.save(s, instance, wf, now, "migrated", actor.name,
                 data={"from_version": old, "to_version": target.version,
                       "reason": reason.strip()[:2000]})
    return {**result, "migrated": True}


def instances_on(s, actor, model: str, version_id: str) -> list[Instance]:
    return list(s.scalars(select(Instance).where(
        Instance.model == model, Instance.model_version == version_id,
        Instance.authority_id == actor.authority_id, Instance.status == "running")
        .order_by(Instance.created_at)))


def authority_name(s, authority_id: int | None) -> str:
    return s.scalar(select(Authority.name).where(Authority.id == authority_id)) or ""
