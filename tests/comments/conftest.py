"""Every "Your thoughts" test starts with empty rate-limit and duplicate counters, and has an article to hand."""

import pytest
from django.db.models.sql.compiler import SQLCompiler

from tests.support.comments import comment_settings  # noqa: F401 (an autouse fixture)
from tests.support.factories import ArticleFactory


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def compiled(monkeypatch):
    """The models of every query the ORM compiles from now on (subqueries included)."""
    models = []
    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        models.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    return models
