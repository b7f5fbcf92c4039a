"""SQLite persistence through sqlite-utils: one module per concern, named append-only migrations.

Nothing here imports Qt or spaCy. Functions take a `sqlite_utils.Database` and plain core dataclasses.
"""
