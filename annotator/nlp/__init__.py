"""The spaCy boundary: resolve and load pipelines (models.py), entity and event suggestions, the suggest runner.

Nothing here imports Qt; nothing outside this package loads a spaCy pipeline.
"""
