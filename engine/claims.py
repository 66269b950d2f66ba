"""Claims compare the open-task row itself, in the database, in the same transaction.

Reading the row and then writing it is a race: two people who both read "unclaimed"
would both claim, and someone who read "unclaimed" just before a colleague claimed
could still complete. So every change of who holds a task is one conditional UPDATE
whose WHERE clause states what the caller believes (``assignee IS NULL``, ``assignee =
me``); the row count says whether that was still true. On PostgreSQL the UPDATE also
locks the row until the transaction ends, so a concurrent claim or completion waits and
then sees the outcome; on SQLite the write lock serializes them.
"""
from __future__ import annotations

from sqlalchemy import or_, update

from . import store
from .access import Actor
from .errors import Conflict, Forbidden
from .models import OpenTask


def _changed(s, statement) -> int:
    with store.storage_errors():  # e.g. SQLite busy: a Conflict, as at commit
        return s.execute(statement.execution_options(synchronize_session=False)).rowcount


def _assignee_now(s, task_id: str) -> str | None:
    return s.query(OpenTask.assignee).filter(OpenTask.id == task_id).scalar()


def take(s, row: OpenTask, who: Actor) -> None:
    """Claim ``row`` for ``who`` if nobody holds it; a lost race is a Conflict."""
    if _changed(s, update(OpenTask).where(OpenTask.id == row.id,
                                          OpenTask.assignee.is_(None))
                .values(assignee=who.name)) == 1:
        return
    holder = _assignee_now(s, row.id) or "someone else"
    raise Conflict("the task '{title}' was claimed by {holder} first",
                   field="assignee", hint="reload the task list; ask them to unclaim it "
                                          "if you should do it", title=row.title, holder=holder)


def release(s, row: OpenTask, who: Actor) -> None:
    """Unclaim ``row`` if ``who`` still holds it."""
    if _changed(s, update(OpenTask).where(OpenTask.id == row.id,
                                          OpenTask.assignee == who.name)
                .values(assignee=None)) != 1:
        raise Conflict("the task '{title}' is no longer claimed by {name}",
                       field="assignee", hint="reload the task list",
                       title=row.title, name=who.name)


def hold_for_completion(s, row: OpenTask, who: Actor) -> None:
    """Before a completion is saved: the task is still open and unclaimed or claimed by
    ``who``. Locks the row (PostgreSQL) so nobody claims it until the completion commits."""
    if _changed(s, update(OpenTask).where(
            OpenTask.id == row.id,
            or_(OpenTask.assignee.is_(None), OpenTask.assignee == who.name))
            .values(assignee=OpenTask.assignee)) == 1:
        return
    holder = _assignee_now(s, row.id)
    if holder is None:
        raise Conflict("the task '{title}' is no longer open",
                       hint="reload the task list", title=row.title)
    raise Forbidden("the task '{title}' is claimed by {holder}", field="assignee",
                    hint="ask {holder} to unclaim it before you complete it",
                    title=row.title, holder=holder)
