"""Each text rule pinned word by word: every family the safeguarding patterns know, every link form,
and near misses that must pass. The lists are written out here again on purpose: a test that read
them from comments/checks.py could not notice a word dropped from it."""

import pytest

from comments import checks
from comments.models import Comment, ModerationWord
from tests.support.comments import post_comment


def child(text):
    return checks.safeguarding_concerns(text)[:1]


CHILD_WORDS = [
    "son", "daughter", "child", "kid", "boy", "girl", "grandson", "granddaughter", "grandchild", "nephew", "niece",
    "stepson", "stepdaughter", "foster son", "foster daughter", "foster child", "twin", "twins", "toddler",
    "little one", "youngest", "eldest", "oldest", "pupil", "student",
]  # fmt: skip


@pytest.mark.parametrize("word", CHILD_WORDS)
def test_every_child_word_after_my_flags_the_name(word):
    assert child(f"I think my {word} Tom deserves better.") == [f"may name a child (“my {word} Tom”)"]


@pytest.mark.parametrize("owner", ["My", "Our", "Her", "His", "Their", "A", "The"])
def test_every_possessive_before_a_child_word_flags_the_name(owner):
    assert child(f"{owner} daughter Ella waited a year.") == [f"may name a child (“{owner} daughter Ella”)"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("My son is called Tom and he waited.", "My son is called Tom"),
        ("My daughter named Ella waited.", "My daughter named Ella"),
        ("Our son, Tom, waited.", "Our son, Tom"),
        ("Our son: Tom waited.", "Our son: Tom"),
        ("Our son (Tom) waited.", "Our son (Tom"),
    ],
)
def test_called_and_named_and_punctuation_still_flag_the_name(text, named):
    assert child(text) == [f"may name a child (“{named}”)"]


AGES = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "7", "12",
]  # fmt: skip


@pytest.mark.parametrize("age", AGES)
def test_every_age_after_a_name_flags_it(age):
    assert child(f"We asked whether Tom aged {age} could go.") == [f"may name a child (“Tom aged {age}”)"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("and then Tom, age 7, waited.", "Tom, age 7"),
        ("and then Tom (age: 7) waited.", "Tom (age: 7"),
        ("and then Tom (7) waited.", "Tom (7)"),
        ("and then Tom, 7 years old, waited.", "Tom, 7 years old"),
        ("and then Tom 7 year old waited.", "Tom 7 year old"),
        ("and then Tom 7 yrs old waited.", "Tom 7 yrs old"),
        ("and then Tom 7 yr old waited.", "Tom 7 yr old"),
        ("and then Tom 7 y/o waited.", "Tom 7 y/o"),
        ("and then Tom 7 yo waited.", "Tom 7 yo"),
        ("and then a 7-year-old Tom waited.", "7-year-old Tom"),
        ("and then a seven year old Ella waited.", "seven year old Ella"),
        ("and then a 9 years old Ella waited.", "9 years old Ella"),
        ("and then Tom in Year 4 waited.", "Tom in Year 4"),
        ("and then Ella who is in year 9 waited.", "Ella who is in year 9"),
    ],
)
def test_every_age_and_school_year_form_flags_the_name(text, named):
    assert child(text) == [f"may name a child (“{named}”)"]


@pytest.mark.parametrize(
    "text",
    [
        "My son waited two years for his plan.",
        "Our daughter is in year 9 now.",
        "My son The council never replied.",  # a capitalised word that is not a name
        "The council, aged systems and all, replied in May.",
        "We waited 7 years old style paperwork.",
        "Sunday 7 years old rules again.",
        "My sonnet Tom wrote is lovely.",
        "The pilot reached 12 councils.",
    ],
)
def test_near_misses_that_do_not_name_a_child(text):
    assert child(text) == []


SCHOOLS = [
    ("My son goes to Oakfield School now.", "Oakfield School"),
    ("My son goes to Oakfield Schools now.", "Oakfield Schools"),
    ("My son goes to Oakfield Academy now.", "Oakfield Academy"),
    ("My son goes to Oakfield College now.", "Oakfield College"),
    ("My son goes to Oakfield Nursery now.", "Oakfield Nursery"),
    ("My son goes to Oakfield PRU now.", "Oakfield PRU"),
    ("My son goes to Oakfield Pupil Referral Unit now.", "Oakfield Pupil Referral Unit"),
    ("My son goes to St Mary's c of e school now.", "St Mary's c of e school"),
    ("My son goes to St Mary's ce school now.", "St Mary's ce school"),
    ("My son goes to St Mary's rc school now.", "St Mary's rc school"),
    ("My son goes to St Mary's catholic school now.", "St Mary's catholic school"),
    ("My son goes to St Mary's church of england school now.", "St Mary's church of england school"),
    ("My son goes to Saint Mary's school now.", "Saint Mary's school"),
    ("My son goes to St. Mary's school now.", "St. Mary's school"),
    ("My son goes to Oakfield C of E Primary now.", "Oakfield C of E Primary"),
    ("My son goes to Oakfield Primary now.", "Oakfield Primary"),
    ("My son goes to Oakfield Infants now.", "Oakfield Infants"),
    ("My son goes to Oakfield Infant now.", "Oakfield Infant"),
    ("My son goes to Oakfield Juniors now.", "Oakfield Juniors"),
    ("My son goes to Oakfield Junior now.", "Oakfield Junior"),
    ("My son goes to Oakfield Grammar now.", "Oakfield Grammar"),
] + [
    (f"My son goes to Oakfield {phase} school now.", f"Oakfield {phase} school")
    for phase in [
        "primary", "infant", "infants", "junior", "secondary", "high", "grammar", "special", "free", "middle",
        "prep", "preparatory", "nursery", "community", "sixth form",
    ]
]  # fmt: skip


@pytest.mark.parametrize(("text", "named"), SCHOOLS)
def test_every_school_form_flags_the_school(text, named):
    assert checks.safeguarding_concerns(text) == [f"may name a school (“{named}”)"]


@pytest.mark.parametrize(
    "text",
    [
        "He goes to a special school.",
        "The local primary school said no.",
        "Our Local Mainstream School said no.",
        "Every school in England should have this.",
        "The Ofsted school report was late.",
        "Their SEND school is full.",
    ],
)
def test_generic_schools_are_not_flagged(text):
    assert checks.safeguarding_concerns(text) == []


def test_a_child_and_a_school_are_both_reported_once():
    text = "My son Tom and my daughter Ella go to Oakfield School and Elm Academy."
    assert checks.safeguarding_concerns(text) == [
        "may name a child (“My son Tom”)",
        "may name a school (“Oakfield School”)",
    ]


def test_hidden_joiners_do_not_hide_a_name():
    assert child("My son T\u200dom waited.") == ["may name a child (“My son Tom”)"]


# Links.

TLDS = ["com", "org", "net", "info", "biz", "xyz", "top", "ru", "io", "co", "uk", "me", "online", "site", "shop"]


@pytest.mark.parametrize("tld", TLDS)
def test_every_bare_address_counts_as_a_link(tld):
    assert checks.count_links(f"Read cheap-pills.{tld} today") == 1
    assert checks.count_links(f"Read cheap-pills.{tld}/buy?now=1 today") == 1


@pytest.mark.parametrize(
    "text",
    ["See https://a.example/x now", "See http://a.example now", "See HTTPS://A.EXAMPLE now", "See www.a.example now"],
)
def test_every_address_with_a_scheme_or_www_counts(text):
    assert checks.count_links(text) == 1


def test_a_fullwidth_address_counts():
    assert checks.count_links("Read ｃｈｅａｐ.ｃｏｍ today") == 1


@pytest.mark.parametrize(
    "text",
    [
        "We met at 10.30 in the town hall.",
        "It cost £3.5m, i.e. more than planned, e.g. for transport.",
        "The example.community group met.",
        "The examplecom group met.",
        "Mr. Smith and Dr. Jones replied.",
        "She went to the co-op.",
    ],
)
def test_near_misses_are_not_links(text):
    assert checks.count_links(text) == 0


# Words.


def test_find_words_finds_nothing_in_a_clean_comment():
    assert checks.find_words("The pilot needs funding.", ["lawsuit", "idiot"]) == []


def test_an_empty_word_in_the_list_matches_nothing():
    assert checks.find_words("The pilot needs funding.", ["", "  "]) == []


def test_find_words_finds_a_phrase_across_spaces_and_newlines():
    assert checks.find_words("They will SUE\n  THE council", ["sue the council", "sue them"]) == ["sue the council"]


def test_find_words_sees_a_word_at_either_end():
    assert checks.find_words("lawsuit", ["lawsuit"]) == ["lawsuit"]
    assert checks.find_words("a lawsuit.", ["lawsuit"]) == ["lawsuit"]
    assert checks.find_words("lawsuits and outlawsuit", ["lawsuit"]) == []


INVISIBLE = [
    "\u061c", "\u200b", "\u200c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2060",
    "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff",
]  # fmt: skip


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_every_invisible_or_reordering_character_is_removed(char):
    assert checks.clean_text(f"sp{char}am") == "spam"
    assert checks.find_words(f"sp{char}am", ["spam"]) == ["spam"]


def test_cleaning_keeps_every_ordinary_letter_digit_and_sign():
    text = "Xavier, XX and Zoë: 10% of £3.5m? Yes! (a-z) “quoted” naïve café 😀 \u200d"
    assert checks.clean_text(" " + text + " ") == text.strip()


@pytest.mark.parametrize("char", ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\x7f"])
def test_control_characters_are_removed_but_tabs_and_newlines_kept(char):
    assert checks.clean_text(f"a{char}b\tc\rd\r\ne") == "ab\tc\nd\ne"


def test_the_fingerprint_is_a_sha256_of_the_normalised_words():
    import hashlib

    assert checks.fingerprint("  The  PILOT\r\n") == hashlib.sha256(b"the pilot").hexdigest()


# Through the site: a word list is configured, and a clean comment is not caught by it.


@pytest.mark.django_db
def test_a_clean_comment_passes_a_configured_word_list(client, article):
    ModerationWord.objects.create(word="idiot", action=ModerationWord.Action.BANNED)
    ModerationWord.objects.create(word="lawsuit", action=ModerationWord.Action.SUSPECT)
    assert post_comment(client, article, body="The pilot needs funding for transport.").status_code == 302
    comment = Comment.objects.get()
    assert "suspect words" not in comment.held_reason
    assert "idiot" not in comment.held_reason


@pytest.mark.parametrize(
    "text",
    ["Then Tom, aged 7, was sent home again.", "When Ella (age 9) moved up, nothing changed.", "Still Sam in Year 4."],
)
def test_a_childs_name_after_a_capitalised_first_word_is_still_held(text):
    assert any("may name a child" in concern for concern in checks.safeguarding_concerns(text)), text
