"""Machine-readable reading room: the JSON API under /api/v1/ (django-ninja, with its
OpenAPI description) and the Wilson Center Digital Archive compatible API under /srv/.

Both read through ``archive.selectors`` and ``archive.search``, so they show exactly
what the public pages show: published documents and active collections only.
"""
