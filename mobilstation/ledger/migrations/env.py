"""Alembic environment: migrations run on the connection the ledger hands over.

The ledger never reads an ``alembic.ini``: :func:`mobilstation.ledger.store.open_ledger`
builds the configuration in code and passes its open connection in
``config.attributes["connection"]``, so a migration runs inside the same
transaction discipline as every other write.
"""

from __future__ import annotations

from alembic import context

from mobilstation.ledger.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
