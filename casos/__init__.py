"""Domain of the Oficina Virtual: cases, catalogs, SLA and outbox. Plain SQLAlchemy, no Flask."""
