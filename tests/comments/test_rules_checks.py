"""The last survivors of the mutation run on comments/checks.py, pinned (docs/testing.md).

A joiner hidden inside a word, an empty field, a link shown as a link, and a child named
twice over in one sentence counted once.
"""

import pytest

from comments import checks
from comments.rendering import linkify

ZWJ = "\u200d"  # kept in stored text (emoji are built with it), so the filters must look through it


@pytest.mark.parametrize("value", ["", None])
def test_an_empty_field_stays_empty(value):
    assert checks.clean_text(value) == ""
    assert checks.normalise_for_matching(value) == ""


def test_a_joiner_inside_a_word_does_not_hide_it_from_the_word_lists():
    assert checks.find_words(f"What a sc{ZWJ}andal this is.", ["scandal"]) == ["scandal"]
    assert checks.normalise_for_matching(f"Sc{ZWJ}andal") == "scandal"


def test_a_joiner_does_not_make_the_same_words_new():
    assert checks.fingerprint(f"The pilot needs to reach fam{ZWJ}ilies sooner.") == checks.fingerprint(
        "The pilot needs to reach families sooner."
    )


def test_a_link_in_a_comment_is_shown_as_a_link_without_its_full_stop():
    html = linkify("The letter is at https://example.org/letter.")
    assert html == (
        'The letter is at <a href="https://example.org/letter" rel="nofollow ugc noopener">'
        "https://example.org/letter</a>."
    )
    assert linkify("No link here.") == "No link here."


def test_one_child_named_in_two_ways_is_one_concern():
    concerns = checks.safeguarding_concerns("My son Tom, aged 7, waited a year for his plan.")
    assert concerns == ["may name a child (“My son Tom”)"]
