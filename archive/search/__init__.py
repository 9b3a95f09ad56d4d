"""Full-text and faceted search over published documents.

One interface (`engine.SearchPlan`, `backends.get_backend()`) with a backend per
database: PostgreSQL full-text search, or SQLite FTS5 in the embedded default.
Callers never branch on the database.
"""
