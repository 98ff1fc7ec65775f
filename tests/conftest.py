"""Fixtures shared by every test module."""

import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def seeded(db):
    """The 153 real councils and the seed story's facts."""
    call_command("import_councils", verbosity=0)
    call_command("load_seed_story", verbosity=0)


@pytest.fixture
def journalist(db):
    return UserFactory(username="journalist", role="Journalists")


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", role="Moderators")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="Editors")


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", is_staff=False)
