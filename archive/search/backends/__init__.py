"""The backend for the database in use, chosen by ``connection.vendor``."""

from django.db import connection

from .base import FacetFilter, Search, SearchBackend, Snippet, Sort

__all__ = ["FacetFilter", "Search", "Snippet", "Sort", "get_backend"]

_backends: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    vendor = connection.vendor
    if vendor not in _backends:
        if vendor == "postgresql":
            from .postgres import PostgresBackend as backend_class
        elif vendor == "sqlite":
            from .sqlite import SQLiteBackend as backend_class
        else:
            raise NotImplementedError(f"No search backend for {vendor}")
        _backends[vendor] = backend_class()
    return _backends[vendor]
