"""Small helpers shared by the tests."""
from __future__ import annotations

from sqlalchemy import inspect, select, text

from engine import specs
from engine import workflow as wfl
from engine.models import Base

# who is logged in and the wrong passwords counted for the lockout (engine/logins.py):
# a login or logout around a refused request is not a change the refusal made
SESSION_TABLES = frozenset({"web_sessions", "login_failures"})


def dump(engine) -> dict:
    """Every row of every table but the session tables: to prove a refusal changed
    nothing."""
    with engine.sql.connect() as conn:
        tables = inspect(conn).get_table_names()
        result = {}
        for table in sorted(tables):
            if table == "alembic_version" or table in SESSION_TABLES:
                continue
            model = Base.metadata.tables[table]
            rows = conn.execute(select(model).order_by(*model.primary_key.columns)).all()
            result[table] = [tuple(r) for r in rows]
        conn.execute(text("SELECT 1"))
    return result


def complete_next(engine, user: str, spec: str, data: dict, instance_id: str | None = None):
    """Complete the first open task with this spec name that ``user`` may work on."""
    for task in engine.tasks(user=user, instance_id=instance_id):
        if task.name == spec:
            engine.complete(task.id, user, data)
            return task
    names = [t.name for t in engine.tasks(instance_id=instance_id)]
    raise AssertionError(f"no open task {spec} for {user}; open: {names}")


def in_memory(folder, model: str, start_data: dict, steps, script_engine, clock_at):
    """Run the same steps on one workflow object, never serialized: the reference run."""
    from engine import clock

    parsed = specs.parse(model, specs.read_files(folder))
    wf = wfl.new(parsed, script_engine)
    with clock.frozen_at(clock_at):
        for task in wf.get_tasks(state=wfl.TaskState.READY):
            task.data.update(start_data)
        wf.do_engine_steps()
        for spec, data in steps:
            task = wfl.find(wf, spec, 0)
            task.data.update(data)
            task.run()
            wf.do_engine_steps()
    return wf


class ColdEngine:
    """Calls each verb on a new engine, which starts with a cold model registry, as a
    second web worker, a command-line call or a restarted server would."""

    def __init__(self, engine):
        self.base = engine

    def __getattr__(self, name: str):
        from engine.runtime import Engine

        attr = getattr(self.base, name)
        if not callable(attr):
            return attr

        def fresh_call(*args, **kwargs):
            fresh = Engine(self.base.database_url, workflows_dir=self.base.workflows_dir,
                           clock_fn=self.base.clock)
            try:
                return getattr(fresh, name)(*args, **kwargs)
            finally:
                fresh.sql.dispose()

        return fresh_call
