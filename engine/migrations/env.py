"""Alembic environment: the engine comes from engine.migrate (no alembic.ini needed)."""
from alembic import context

from engine.models import Base

config = context.config
connectable = config.attributes["connection_engine"]

with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
