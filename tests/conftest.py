"""Fixtures shared by every test module."""

import uuid

import pytest
from django.core.management import call_command
from django.db import connections

from sendtracker.cache import versions
from tests.support.factories import UserFactory
from tests.support.redis_server import production_stores, redis_server, round_trips  # noqa: F401 (fixtures for every module)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Drop any PostgreSQL connection pool made before the test database exists.

    A module that renders a page when it is collected (tests/api/test_schemathesis.py
    fetches the API schema) makes the page cache seed a content version, whose expiry
    provider asks the database; the blocked query still creates the pool, for the real
    database's name, and Django keeps that pool when it switches to the test database.
    """
    for connection in connections.all():
        if connection.vendor == "postgresql":
            connection.close_pool()


@pytest.fixture(autouse=True)
def fresh_page_cache(monkeypatch):
    """Each test starts with new versions of every dependency key, so no page cached by an earlier test is served.

    (Tests run inside a transaction that is rolled back, so its writes' bumps are undone
    in the database but not in the cache.) The page cache stays on in every test.
    """
    monkeypatch.setattr(versions, "PREFIX", f"dep-{uuid.uuid4().hex}:")


@pytest.fixture
def seeded(db):
    """The 153 real councils and the seed story's facts."""
    call_command("import_councils", verbosity=0)
    call_command("load_seed_story", verbosity=0)


@pytest.fixture
def staff_roles(db):
    """The staff groups. A data migration creates them, but a transactional test (e.g. a
    browser test) empties every table when it ends, so tests that run after one need them back."""
    from django.contrib.auth.models import Group, Permission

    from sendtracker.roles import ROLES

    for name, codes in ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(
                Permission.objects.get(content_type__app_label=code.split(".")[0], codename=code.split(".")[1])
                for code in codes
            )


@pytest.fixture
def journalist(staff_roles):
    return UserFactory(username="journalist", role="Journalists")


@pytest.fixture
def moderator(staff_roles):
    return UserFactory(username="moderator", role="Moderators")


@pytest.fixture
def editor(staff_roles):
    return UserFactory(username="editor", role="Editors")


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", is_staff=False)
