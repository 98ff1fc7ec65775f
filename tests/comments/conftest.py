"""Every "Your thoughts" test starts with empty rate-limit and duplicate counters, and has an article to hand."""

import pytest

from tests.support.comments import comment_settings  # noqa: F401 (an autouse fixture)
from tests.support.factories import ArticleFactory


@pytest.fixture
def article():
    return ArticleFactory()
