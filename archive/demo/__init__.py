"""Demo data: the five reference pages entered as real records, and their loader.

`reference.py` holds the records as plain data, `texts/` the full translations, and
`loader.load_reference_archive()` writes them to the database (idempotently).
"""
