"""A version's expiry at its boundary: a page scheduled for 09:00 appears at 09:00:00, not a moment before or after.

The rest of the versions' rules are pinned in test_cache_versions.py and test_page_cache.py.
"""

import types

import pytest
from django.core.cache import cache

from sendtracker.cache import versions

pytestmark = pytest.mark.django_db

AT = 1_900_000_000.0  # the moment the scheduled change happens


def read_at(moment, key="articles"):
    clock = types.SimpleNamespace(time=lambda: moment, time_ns=lambda: int(moment * 1e9))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(versions, "time", clock)
        tokens, _found = versions.read([key])
    return tokens[key]


def test_a_version_holds_until_its_expiry_and_is_replaced_at_that_moment():
    cache.set(versions.PREFIX + "articles", ("scheduled", 1, AT), timeout=None)
    assert read_at(AT - 0.001).value == "scheduled"  # pages stored before 09:00 still served
    replaced = read_at(AT)
    assert replaced.value != "scheduled"  # at 09:00:00 they are not
    assert read_at(AT + 1).value == replaced.value  # and the new version then holds


def test_a_version_without_an_expiry_never_expires():
    cache.set(versions.PREFIX + "tracker", ("forever", 1, None), timeout=None)
    assert read_at(AT * 2, key="tracker").value == "forever"
