"""What the words are checked for: held for a moderator (suspect words, safeguarding) or let through."""

import pytest

from comments import checks
from comments.models import Comment, ModerationWord
from tests.support.comments import become_known_reader, post_comment
from tests.support.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_suspect_words_hold_the_comment(client, article):
    ModerationWord.objects.create(word="lawsuit", action=ModerationWord.Action.SUSPECT)
    assert post_comment(client, article, body="A lawsuit is coming for the council.").status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "suspect words: lawsuit"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("My son Tom has waited two years for his EHC plan.", "may name a child"),
        ("Our daughter, Ella, was sent home again.", "may name a child"),
        ("Jayden, aged 9, has no school place.", "may name a child"),
        ("Amelia (age 6) is still at home.", "may name a child"),
        ("My 7-year-old son Jack is out of school.", "may name a child"),
        ("He goes to Oakfield Primary School in Leeds.", "may name a school"),
        ("Harrow Way Academy refused him a place.", "may name a school"),
        ("St Mary's C of E Primary has been brilliant.", "may name a school"),
        ("I teach at Kingsmead College.", "may name a school"),
    ],
)
def test_safeguarding_holds_a_comment_that_appears_to_name_a_child_or_school(client, article, body, why):
    article.comment_moderation = "post"
    article.save()
    CommentFactory(email="sam@example.org")  # a known reader: only the safeguarding rule holds it
    assert post_comment(client, article, body=body).status_code == 302
    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING
    assert why in comment.held_reason


@pytest.mark.parametrize(
    "body",
    [
        "My son has autism and waited a year for his plan.",
        "Our school was rated good by Ofsted but SEND support is thin.",
        "I am a SENCO at a primary school in Kent.",
        "The Department for Education must fund the High Needs block properly.",
    ],
)
def test_ordinary_comments_are_not_held_by_the_safeguarding_rule(client, article, body, moderator):
    article.comment_moderation = "post"
    article.save()
    become_known_reader(client, moderator)
    post_comment(client, article, body=body)
    assert Comment.objects.get(article=article).status == Comment.Status.APPROVED


# The rules themselves: pure functions over text.


def test_clean_text_removes_reordering_and_invisible_characters_and_normalises_newlines():
    assert checks.clean_text("  \u202egnp.exe\r\nsp\u200bam\x00 ") == "gnp.exe\nspam"


def test_find_words_matches_whole_words_whatever_the_case_or_width():
    assert checks.find_words("A LAWSUIT, and ｌａｗｓｕｉｔ again", ["lawsuit", "suit", "law"]) == ["lawsuit"]


def test_count_links_sees_addresses_with_and_without_a_scheme():
    assert checks.count_links("https://a.example/x, www.b.example and cheap-pills.com/buy") == 3
    assert checks.count_links("We met at 10.30 in the town hall.") == 0


def test_the_same_words_have_the_same_fingerprint():
    assert checks.fingerprint("The pilot  needs\nFUNDING") == checks.fingerprint("the pilot needs funding")
    assert checks.fingerprint("The pilot needs funding") != checks.fingerprint("The pilot needs time")


def test_safeguarding_concerns_say_what_looked_like_a_name():
    assert checks.safeguarding_concerns("My son Tom waited.") == ["may name a child (“My son Tom”)"]
    assert checks.safeguarding_concerns("My son waited.") == []
