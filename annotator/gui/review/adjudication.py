"""Moved to `annotator.core.adjudication` (review decisions are core operations); kept so old imports work."""

from annotator.core.adjudication import *  # noqa: F403
from annotator.core.adjudication import ArticleReview, project_disagreements, reviewed_annotators

__all__ = ["ArticleReview", "project_disagreements", "reviewed_annotators"]
