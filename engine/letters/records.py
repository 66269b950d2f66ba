"""Making the letters at the step that decides, and reading them back.

:func:`after_save` runs inside ``Store.save``, in the unit of work of the step: the
letters and their audit events commit with the step or not at all. Which letters a step
makes:

- selection: the invitations are sent (``invitations_sent`` submitted; the tie decision
  is applied by then), one letter to every applicant;
- reduction: revised tenders registered with bidders reduced after the round, one
  letter to every reduced bidder;
- award: the award decision notified (``award`` submitted; the standstill end is
  computed by then), one letter to every bidder in the final stage;
- cancellation: the procedure cancelled (the ``cancel`` verb with its reason, or the
  model's own end when nobody qualified), one letter to every participant so far.

Each letter is one row in ``letters`` and one ``letter`` event in the hash-chained
audit log holding the SHA-256 of its content, so a letter changed afterwards no
longer matches its event.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..clock import LOCAL_ZONE
from ..errors import NotFound
from ..models import Authority, Event, Instance, Letter
from . import content


def digest(letter: dict) -> str:
    return hashlib.sha256(audit.canonical(letter).encode("utf-8")).hexdigest()


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def compose(kind: str, submitted: dict | None, current: dict, completed: bool,
            heading: Callable[[], dict], today) -> list[dict]:
    """The letters this step decides (pure: from the step's kind, what was submitted
    and the data after it; ``heading`` gives the sender and procedure when needed)."""
    submitted = submitted or {}
    letters: list[dict] = []
    decides = kind == "cancelled" or kind == "completed" and (
        bool({"invitations_sent", "revised_tenders", "award"} & set(submitted))
        or completed and bool(current.get("cancellation_reason")))
    if not decides:
        return letters
    head = heading()
    if kind == "cancelled":
        letters += content.cancellation_letters(head, current, str(submitted.get("reason")),
                                                today)
        return letters
    if completed and current.get("cancellation_reason") and \
            _dict(current.get("selection")).get("cancel"):
        letters += content.cancellation_letters(head, current,
                                                str(current["cancellation_reason"]), today)
    if "invitations_sent" in submitted and isinstance(current.get("selection"), dict):
        letters += content.selection_letters(head, current)
    rounds = current.get("rounds")
    if "revised_tenders" in submitted and isinstance(rounds, list) and rounds and \
            isinstance(rounds[-1], dict) and rounds[-1].get("removed"):
        letters += content.reduction_letters(head, rounds[-1], today)
    if "award" in submitted and isinstance(current.get("award_notification"), dict):
        letters += content.award_letters(head, current)
    return letters


def after_save(s: Session, instance: Instance, kind: str, actor: str, now: datetime,
               submitted: dict | None, current: dict) -> list[Letter]:
    """Make and record the letters this step decides (nothing is committed here)."""
    if kind not in ("completed", "cancelled"):
        return []

    def heading() -> dict:
        authority = s.get(Authority, instance.authority_id)
        return content.heading(current, authority.name if authority else "", instance.title)

    today = now.astimezone(LOCAL_ZONE).date()
    letters = compose(kind, submitted, current, instance.status == "completed", heading,
                      today)
    if not letters:
        return []
    made = set(s.execute(select(Letter.kind, Letter.batch, Letter.addressee)
                         .where(Letter.instance_id == instance.id)).tuples())
    rows = []
    for letter in letters:
        key = (letter["kind"], letter["batch"], letter["addressee"][:300])
        if key in made:
            continue  # made by an earlier step: a letter is never sent twice
        made.add(key)
        sha = digest(letter)
        audit.append(s, instance, "letter", actor, now, data={
            "letter": letter["kind"], "batch": letter["batch"],
            "addressee": letter["addressee"], "dated": letter["dated"],
            "subject": letter["subject"], "digest": sha})
        row = Letter(instance_id=instance.id, kind=letter["kind"], batch=letter["batch"],
                     addressee=letter["addressee"][:300], subject=letter["subject"][:500],
                     dated=letter["dated"], content=letter, digest=sha,
                     event_seq=instance.last_seq, created_at=now, created_by=actor)
        s.add(row)
        rows.append(row)
    return rows


# -------------------------------------------------------------------- reading
def as_dict(row: Letter, intact: bool | None = None) -> dict:
    result = {"id": row.id, "instance_id": row.instance_id, "kind": row.kind,
              "kind_label": content.KINDS.get(row.kind, row.kind), "batch": row.batch,
              "addressee": row.addressee, "subject": row.subject, "dated": row.dated,
              "digest": row.digest, "event_seq": row.event_seq,
              "created_at": row.created_at, "created_by": row.created_by}
    if intact is not None:
        result["content"] = row.content
        result["intact"] = intact
    return result


def listing(s: Session, instance_id: str) -> list[dict]:
    rows = s.scalars(select(Letter).where(Letter.instance_id == instance_id)
                     .order_by(Letter.id))
    return [as_dict(r) for r in rows]


def one(s: Session, letter_id: int) -> Letter:
    row = s.get(Letter, letter_id) if isinstance(letter_id, int) else None
    if row is None:
        raise NotFound("no letter {id}", hint="see `opiflow letters INSTANCE`", id=str(letter_id))
    return row


def read(s: Session, row: Letter) -> dict:
    """The letter with its content, and whether it is intact: its content still has the
    digest its audit event recorded."""
    event = s.scalar(select(Event).where(Event.instance_id == row.instance_id,
                                         Event.seq == row.event_seq))
    recorded = _dict(event.data if event is not None else None).get("digest")
    intact = event is not None and event.kind == "letter" and \
        recorded == row.digest == digest(row.content)
    return as_dict(row, intact)
