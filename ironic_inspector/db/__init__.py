"""The inspector's own SQL database (oslo.db, SQLAlchemy, alembic).

Queries live by what they keep: :mod:`.nodes` (the node cache and its
lookup data), :mod:`.documents` (introspection data), both on the engine
and connections of :mod:`.engine`. Their functions take and return plain
values; the ORM classes of :mod:`.models` are used only as table
definitions, and statements run on a connection of oslo.db's
enginefacade (no ORM session, no identity map to fill and flush). Each
public call is one transaction, and driver errors leave it as the
project's exceptions (see :func:`.engine.db_call`).
"""
