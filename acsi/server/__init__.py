"""The bank's evaluation server (``acsi serve``): organisation, users and roles, collector push
API, aggregates, and a server-rendered dashboard.

Heavy dependencies (FastAPI, SQLAlchemy, pandas) are imported by the modules of this package,
never by ``import acsi``; the CLI imports them only when a server command runs.

Modules: :mod:`~acsi.server.db` (engine, migrations), :mod:`~acsi.server.schema` (tables),
:mod:`~acsi.server.org` (organisation import), :mod:`~acsi.server.users` (users, passwords),
:mod:`~acsi.server.sessions` (cookies, CSRF, throttling), :mod:`~acsi.server.audit`,
:mod:`~acsi.server.tokens` (collector tokens), :mod:`~acsi.server.ingest` (events and
aggregates), :mod:`~acsi.server.scope` (who may see which branch), :mod:`~acsi.server.queries`
(dashboard numbers from aggregates), :mod:`~acsi.server.app` (the ASGI application),
:mod:`~acsi.server.push_client` (collector side), :mod:`~acsi.server.demo`.
"""
