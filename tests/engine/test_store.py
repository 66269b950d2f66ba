"""The one commit path: every storage error a concurrent change causes becomes a
Conflict; any other storage failure a clear StorageError, never a bare trace."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from engine import store
from engine.errors import Conflict, StorageError


class _Orig(Exception):
    def __init__(self, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("error", [
    StaleDataError("UPDATE statement on table 'instances' expected to update 1 row(s)"),
    IntegrityError("INSERT", {}, _Orig("duplicate key value", "23505")),
    OperationalError("UPDATE", {}, _Orig("database is locked")),
    OperationalError("UPDATE", {}, _Orig("could not serialize access", "40001")),
    OperationalError("UPDATE", {}, _Orig("deadlock detected", "40P01")),
    InternalError("UPDATE", {}, _Orig("could not serialize access", "40001")),
])
def test_a_concurrent_change_is_a_conflict(error):
    with pytest.raises(Conflict) as refused:
        with store.storage_errors():
            raise error
    assert refused.value.hint and refused.value.__cause__ is error


def test_another_storage_failure_is_a_clear_error():
    error = OperationalError("SELECT", {}, _Orig("connection refused", "08006"))
    with pytest.raises(StorageError) as refused:
        with store.storage_errors():
            raise error
    assert refused.value.status == 503 and "administrator" in refused.value.hint
