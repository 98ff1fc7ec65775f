"""The programme over time: earlier names, the public timeline, key figures with their dates, and today's headline."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.template import Context, Template
from django.urls import reverse

from councils.choices import DatePrecision, MembershipRole, PartnershipStatus, PilotStatus, ProgrammeNameOf
from councils.headline import partnership_headline
from councils.models import Council, PartnershipMembership, Programme, ProgrammeEvent, ProgrammeName
from councils.services import council_set_status, partnership_rename, programme_rename
from tests.support.factories import CouncilFactory, KeyFigureFactory, PartnershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

RENAMED_ON = datetime.date(2023, 10, 5)


def text(response):
    """The page's words as a reader sees them (tags dropped, not spaced: "(<time>May 2023</time>)")."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


@pytest.fixture
def story(seeded):
    call_command("load_story_updates", verbosity=0)


# ---------------------------------------------------------------- names over time


def test_a_renamed_partnership_keeps_its_earlier_name_with_the_date():
    partnership = PartnershipFactory(name="West Midlands regional expert partnership")

    former = partnership_rename(
        partnership=partnership,
        name="West Midlands Change Programme Partnership",
        changed_on=RENAMED_ON,
        source_url="https://example.org/rename",
        source_title="The rename",
    )

    partnership.refresh_from_db()
    assert partnership.name == "West Midlands Change Programme Partnership"
    assert (former.name, former.replaced_on, former.source_url) == (
        "West Midlands regional expert partnership",
        RENAMED_ON,
        "https://example.org/rename",
    )
    assert partnership.name_on(datetime.date(2023, 8, 23)) == "West Midlands regional expert partnership"
    assert partnership.name_on(datetime.date(2023, 10, 4)) == "West Midlands regional expert partnership"
    assert partnership.name_on(RENAMED_ON) == "West Midlands Change Programme Partnership"
    assert partnership.name_on(datetime.date(2025, 1, 1)) == "West Midlands Change Programme Partnership"
    assert partnership.formerly == "West Midlands regional expert partnership"
    history = partnership.name_history
    assert [(span.name, span.since, span.until) for span in history] == [
        ("West Midlands regional expert partnership", None, datetime.date(2023, 10, 4)),
        ("West Midlands Change Programme Partnership", RENAMED_ON, None),
    ]
    assert history[1].source_url == "https://example.org/rename"


def test_two_renames_read_in_order():
    partnership = PartnershipFactory(name="First")
    partnership_rename(partnership=partnership, name="Second", changed_on=datetime.date(2023, 1, 1))
    partnership_rename(partnership=partnership, name="Third", changed_on=datetime.date(2024, 1, 1))

    assert partnership.name_on(datetime.date(2022, 6, 1)) == "First"
    assert partnership.name_on(datetime.date(2023, 6, 1)) == "Second"
    assert partnership.name_on(datetime.date(2024, 6, 1)) == "Third"
    assert partnership.formerly == "First, then Second"


@pytest.mark.parametrize(
    ("name", "changed_on", "message"),
    [
        ("West Midlands regional expert partnership", RENAMED_ON, "It is already called"),
        ("", RENAMED_ON, "Give the new name."),
        ("Later name", datetime.date(2999, 1, 1), "cannot be in the future"),
        ("Later name", datetime.date(2023, 1, 1), "a new name must come after"),
    ],
)
def test_a_rename_is_refused_with_a_reason(name, changed_on, message):
    partnership = PartnershipFactory(name="West Midlands regional expert partnership")
    if "after" in message:
        partnership_rename(partnership=partnership, name="Interim name", changed_on=datetime.date(2023, 6, 1))
        partnership_rename(
            partnership=partnership, name=partnership.name_on(datetime.date(2022, 1, 1)), changed_on=RENAMED_ON
        )

    with pytest.raises(ValidationError, match=message):
        partnership_rename(partnership=partnership, name=name, changed_on=changed_on)


def test_the_programme_and_its_partnerships_are_renamed_separately():
    programme = ProgrammeFactory()
    programme_rename(
        programme=programme,
        of=ProgrammeNameOf.PARTNERSHIPS,
        name="Change Programme Partnerships",
        changed_on=RENAMED_ON,
    )
    programme_rename(programme=programme, name="SEND and AP Change Programme", changed_on=datetime.date(2024, 1, 1))

    programme = Programme.objects.current()
    assert programme.name == "SEND and AP Change Programme"
    assert programme.name_on(datetime.date(2023, 12, 31)) == "SEND and AP change programme"
    assert programme.formerly == "SEND and AP change programme"
    assert programme.partnerships_name_on(datetime.date(2023, 12, 31)) == "Change Programme Partnerships"
    assert programme.partnerships_name_on(datetime.date(2023, 10, 4)) == "regional expert partnerships"
    assert programme.partnerships_formerly == "regional expert partnerships"


def test_one_former_name_per_day_is_a_constraint():
    programme = ProgrammeFactory()
    ProgrammeName.objects.create(programme=programme, of=ProgrammeNameOf.PARTNERSHIPS, name="A", replaced_on=RENAMED_ON)
    duplicate = ProgrammeName(programme=programme, of=ProgrammeNameOf.PARTNERSHIPS, name="B", replaced_on=RENAMED_ON)

    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError):
        duplicate.save()


def test_a_month_precise_event_is_dated_the_first_of_the_month():
    event = ProgrammeEvent(
        programme=ProgrammeFactory(),
        happened_on=datetime.date(2023, 9, 14),
        precision=DatePrecision.MONTH,
        text="Launched.",
    )

    with pytest.raises(ValidationError, match="first of the month"):
        event.full_clean()
    with pytest.raises(IntegrityError):
        event.save()


# ---------------------------------------------------------------- the public timeline


def test_the_programme_page_dates_each_event_to_its_precision_with_its_source(story, client):
    response = client.get(reverse("councils:programme"))
    html = response.content.decode()

    assert response.status_code == 200
    assert re.findall(r"<h1>(.*?)</h1>", html) == ["Programme timeline"]
    assert '<time datetime="2023-09">September 2023</time>' in html
    assert '<time datetime="2023-08-23">23 August 2023</time>' in html
    assert '<time datetime="2026-01-29">29 January 2026</time>' in html
    assert "1 September 2023" not in html
    assert (
        '<a href="https://tes.com/magazine/news/specialist-sector/send-reforms-dfe-names-pilot-areas">'
        "SEND reforms: DfE names pilot areas (Tes)</a>" in html
    )
    page = text(response)
    assert "Change Programme Partnerships (formerly regional expert partnerships)" in page
    assert "Regional expert partnerships until 4 October 2023" in page
    assert "Change Programme Partnerships from 5 October 2023" in page
    assert 'style="' not in html and "<script>" not in html


def test_the_programme_page_before_any_event(client, seeded):
    response = client.get(reverse("councils:programme"))
    assert response.status_code == 200
    assert "No event has been recorded yet." in text(response)
    assert "formerly" not in text(response)


def test_the_programme_page_with_no_programme(client, db):
    response = client.get(reverse("councils:programme"))
    assert response.status_code == 200
    assert "The programme has not been loaded yet." in text(response)


def test_the_timeline_is_in_the_navigation_the_home_page_and_the_sitemap(client, seeded):
    home = client.get("/").content.decode()
    assert '<a href="/programme/">Programme</a>' in home
    assert "The programme’s timeline, event by event" in home
    programme_page = client.get("/programme/").content.decode()
    assert '<a href="/programme/" aria-current="page">Programme</a>' in programme_page
    assert "https://send-tracker.example/programme/" in client.get("/sitemap-pages.xml").content.decode()


def test_the_programme_page_is_four_queries(story, client, django_assert_max_num_queries):
    # Three, and one for the site's pages not public yet (a source citing a draft is hidden).
    with django_assert_max_num_queries(4):
        client.get(reverse("councils:programme"))


# ---------------------------------------------------------------- the home page


def test_each_key_figure_on_the_home_page_keeps_its_date(story, client):
    page = text(client.get("/"))

    assert "20 councils shortlisted to lead a partnership (May 2023)" in page
    assert "32 councils named to test the reforms in partnerships (August 2023)" in page
    assert "9 regional partnerships named (August 2023)" in page
    assert "£70m announced to back the programme (August 2023)" in page
    # The newest figures first, and each source once with its date.
    assert page.index("32 councils named") < page.index("20 councils shortlisted to lead")
    assert page.count("SEND reforms: DfE names pilot areas (Tes) (23 August 2023)") == 1
    assert "20 shortlisted (May 2023), 2 named so far." in page


def test_the_home_page_uses_todays_name_and_says_what_it_was(client, seeded):
    assert "Up to nine regional expert partnerships test" in text(client.get("/"))

    call_command("load_story_updates", verbosity=0)

    assert "Up to nine Change Programme Partnerships (formerly regional expert partnerships) test" in text(
        client.get("/")
    )


def member(partnership, council, role=MembershipRole.PARTNER):
    return PartnershipMembership.objects.create(partnership=partnership, council=council, role=role)


def test_the_headline_counts_councils_in_live_partnerships(client, db):
    KeyFigureFactory(key="shortlisted", value=20, reported_on=datetime.date(2023, 5, 19))
    assert partnership_headline() == {"councils": 0, "partnerships": 0}
    assert "partnerships." not in text(client.get("/"))

    live = PartnershipFactory()
    for council in CouncilFactory.create_batch(3):
        member(live, council)
    second = PartnershipFactory()
    member(second, CouncilFactory(), MembershipRole.LEAD)
    withdrawn = PartnershipFactory(status=PartnershipStatus.WITHDRAWN)
    member(withdrawn, CouncilFactory())

    assert partnership_headline() == {"councils": 4, "partnerships": 2}
    page = text(client.get("/"))
    assert "4 councils in 2 partnerships." in page
    assert page.index("4 councils in 2 partnerships.") < page.index("20 shortlisted (May 2023)")


def test_the_headline_is_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        partnership_headline()


# ---------------------------------------------------------------- search and template helpers


@pytest.fixture
def renamed_partnership(db):
    partnership = PartnershipFactory(name="Midlands regional expert partnership")
    partnership_rename(partnership=partnership, name="Midlands Change Programme Partnership", changed_on=RENAMED_ON)
    council = CouncilFactory(short_name="Wrekinford")
    council_set_status(council=council, status=PilotStatus.PARTNER)
    member(partnership, council)
    CouncilFactory(short_name="Elsewhere")
    return partnership


@pytest.mark.parametrize("query", ["regional expert", "Change Programme Partnership", "wrekinford"])
def test_the_tracker_finds_a_partnerships_councils_by_either_name(client, renamed_partnership, query):
    response = client.get(reverse("councils:tracker"), {"q": query, "scope": "all"})

    assert response.status_code == 200
    rows = re.findall(r'<th scope="row"><a href="[^"]+"[^>]*>([^<]+)</a></th>', response.content.decode())
    assert rows == ["Wrekinford"]


def test_the_api_finds_a_partnerships_councils_by_its_former_name(client, renamed_partnership):
    response = client.get("/api/councils/", {"q": "regional expert partnership", "scope": "all"})

    assert response.status_code == 200
    assert [council["name"] for council in response.json()["results"]] == ["Wrekinford"]


def test_a_council_in_a_partnership_with_many_matching_names_is_listed_once(client, renamed_partnership):
    partnership_rename(
        partnership=renamed_partnership, name="Midlands partnership", changed_on=datetime.date(2024, 1, 1)
    )
    response = client.get(reverse("councils:tracker"), {"q": "midlands", "scope": "all"})
    assert response.content.decode().count(">Wrekinford</a></th>") == 1


def render(source, **context):
    return Template("{% load programme_tags %}" + source).render(Context(context))


def test_the_partnership_pages_can_say_what_the_partnerships_were_called(story):
    programme = Programme.objects.current()

    assert render("{% partnerships_called programme %}", programme=programme) == (
        "Change Programme Partnerships (formerly regional expert partnerships)"
    )
    assert render("{% partnerships_called programme heading=True %}", programme=programme) == (
        "Change Programme Partnerships"
    )
    assert render("{% current_programme as p %}{{ p.partnerships_formerly }}") == "regional expert partnerships"
    assert render("{% partnerships_called None heading=True %}") == "Regional expert partnerships"


# ---------------------------------------------------------------- the admin


def test_journalists_keep_the_timeline_and_former_names_in_the_admin(client, journalist, story):
    client.force_login(journalist)
    for model in ("programmeevent", "programmename", "partnershipname"):
        assert client.get(reverse(f"admin:councils_{model}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:councils_{model}_add")).status_code == 200, model
    listing = client.get(reverse("admin:councils_programmeevent_changelist")).content.decode()
    assert "September 2023" in listing


def test_a_council_never_named_on_the_shortlist_can_be_confirmed_as_lead(journalist):
    # 23 August 2023: the DfE named leads (Bedford, Barnet, Hartlepool…) the reporting had never named.
    council = CouncilFactory()

    change = council_set_status(
        council=council, status=PilotStatus.CONFIRMED_LEAD, effective_on=datetime.date(2023, 8, 23), by=journalist
    )

    assert (change.from_status, change.to_status, change.overridden) == (
        PilotStatus.NOT_SHORTLISTED,
        PilotStatus.CONFIRMED_LEAD,
        False,
    )
    assert Council.objects.get(pk=council.pk).status == PilotStatus.CONFIRMED_LEAD
