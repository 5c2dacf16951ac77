"""The local database: SQLAlchemy models, Alembic migrations, backups and the audit log."""
