"""Pure-Python core: documents, spans, events, stance, the scheme and the Project facade.

Nothing in this package imports Qt or spaCy (checked by tests/test_import_boundaries.py).
"""
