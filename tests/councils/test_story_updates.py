"""load_story_updates: the August 2023 announcement, the October rename and the programme's events, loaded once."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from councils.choices import DatePrecision, PilotStatus, ProgrammeNameOf
from councils.models import (
    Council,
    KeyFigure,
    Partnership,
    PartnershipMembership,
    Programme,
    ProgrammeEvent,
    ProgrammeName,
    StatusChange,
)
from councils.services import council_set_status
from councils.story_updates import (
    PARTNERSHIPS_CSV,
    StoryLoadError,
    load_story_updates,
    read_event_rows,
    read_partnership_rows,
)

pytestmark = pytest.mark.django_db

AUGUST_23 = datetime.date(2023, 8, 23)
RENAME_SOURCE = "https://parallelparliament.co.uk/question/202697/special-educational-needs"


@pytest.fixture
def story(seeded):
    call_command("load_story_updates", verbosity=0)


def timeline(slug):
    council = Council.objects.get(slug=slug)
    return [
        (change.from_status, change.to_status, change.effective_on)
        for change in council.status_changes.order_by("recorded_at", "pk")
    ]


def test_the_announcement_moves_32_councils_on_23_august_with_their_sources(story):
    changes = StatusChange.objects.filter(effective_on=AUGUST_23)

    assert changes.count() == 32
    assert changes.filter(to_status=PilotStatus.CONFIRMED_LEAD).count() == 12
    assert changes.filter(to_status=PilotStatus.PARTNER).count() == 20
    # Joint leads are leads.
    for slug in ("leicester", "leicestershire", "rutland", "gloucestershire", "swindon"):
        assert Council.objects.get(slug=slug).status == PilotStatus.CONFIRMED_LEAD, slug
    # Bedford leads; Luton and Central Bedfordshire are partners (the DfE's answer of 11 December 2023).
    assert Council.objects.get(slug="bedford").status == PilotStatus.CONFIRMED_LEAD
    assert Council.objects.get(slug="luton").status == PilotStatus.PARTNER
    # Each change carries its row's source.
    telford = changes.get(council__slug="telford-and-wrekin")
    assert telford.source_url == "https://telfordsend.org.uk/info/1/home/136/send_and_ap_change_programme"
    assert telford.source_title == "SEND and AP Change Programme (Telford & Wrekin SEND Local Offer)"
    assert (
        "to lead the West Midlands regional expert partnership, with Herefordshire, Shropshire and Worcestershire"
        in (telford.note)
    )
    assert all(change.source_url for change in changes)
    assert Council.objects.filter(status__in=[PilotStatus.CONFIRMED_LEAD, PilotStatus.PARTNER]).count() == 32


def test_herefordshire_reads_shortlisted_then_declined_then_partner_council(story, client):
    may_19 = datetime.date(2023, 5, 19)
    assert timeline("herefordshire") == [
        (PilotStatus.NOT_SHORTLISTED, PilotStatus.SHORTLISTED, may_19),
        (PilotStatus.SHORTLISTED, PilotStatus.DECLINED, may_19),
        (PilotStatus.DECLINED, PilotStatus.PARTNER, AUGUST_23),
    ]
    change = StatusChange.objects.get(council__slug="herefordshire", effective_on=AUGUST_23)
    assert change.note == (
        "Having declined to lead a partnership, it was named by the Department for Education on 23 August 2023 "
        "as a partner council in the West Midlands regional expert partnership, led by Telford and Wrekin."
    )
    page = client.get("/councils/herefordshire/").content.decode()
    assert "Having declined to lead a partnership" in page


def test_brighton_and_hove_reads_shortlisted_then_considering_then_partner_council(story):
    may_19 = datetime.date(2023, 5, 19)
    assert timeline("brighton-and-hove") == [
        (PilotStatus.NOT_SHORTLISTED, PilotStatus.SHORTLISTED, may_19),
        (PilotStatus.SHORTLISTED, PilotStatus.CONSIDERING, may_19),
        (PilotStatus.CONSIDERING, PilotStatus.PARTNER, AUGUST_23),
    ]
    note = StatusChange.objects.get(council__slug="brighton-and-hove", effective_on=AUGUST_23).note
    assert note.startswith("After considering whether to lead a partnership")
    assert "in the South East regional expert partnership, led by Portsmouth." in note


def test_joint_leads_are_named_with_each_other(story):
    note = StatusChange.objects.get(council__slug="swindon", effective_on=AUGUST_23).note
    assert note == (
        "Named by the Department for Education on 23 August 2023 as a joint lead of the "
        "South West regional expert partnership, with Gloucestershire."
    )
    partner = StatusChange.objects.get(council__slug="luton", effective_on=AUGUST_23).note
    assert "led by Bedford." in partner


def test_the_partnerships_are_renamed_on_5_october_2023_with_the_source(story):
    programme = Programme.objects.current()
    former = ProgrammeName.objects.get()

    assert programme.partnerships_name == "Change Programme Partnerships"
    assert (former.of, former.name, former.replaced_on) == (
        ProgrammeNameOf.PARTNERSHIPS,
        "regional expert partnerships",
        datetime.date(2023, 10, 5),
    )
    assert former.source_url == RENAME_SOURCE
    assert programme.partnerships_name_on(datetime.date(2023, 10, 4)) == "regional expert partnerships"
    assert programme.partnerships_name_on(datetime.date(2023, 10, 5)) == "Change Programme Partnerships"
    assert programme.partnerships_formerly == "regional expert partnerships"
    # The programme itself kept its name.
    assert programme.name_on(datetime.date(2023, 5, 19)) == programme.name == "SEND and AP change programme"
    assert programme.formerly == ""


def test_the_events_keep_their_dates_precision_and_sources(story):
    events = list(ProgrammeEvent.objects.all())

    assert len(events) == 17
    assert [event.happened_on for event in events] == sorted(event.happened_on for event in events)
    launch = ProgrammeEvent.objects.filter(happened_on=datetime.date(2023, 9, 1)).first()
    assert launch.precision == DatePrecision.MONTH
    assert (launch.date_text, launch.date_iso) == ("September 2023", "2023-09")
    evaluation = events[-1]
    assert evaluation.precision == DatePrecision.DAY
    assert (evaluation.date_text, evaluation.date_iso) == ("29 January 2026", "2026-01-29")
    assert evaluation.source_url.startswith("https://www.gov.uk/government/publications/")
    assert ProgrammeEvent.objects.filter(precision=DatePrecision.MONTH).count() == 5


def test_the_announcement_figures_keep_their_own_date_and_source(story):
    figures = {figure.key: figure for figure in KeyFigure.objects.all()}

    assert (figures["councils-named"].value, figures["partnerships-named"].value) == (32, 9)
    assert figures["funding-announced"].value == 70_000_000
    for key in ("councils-named", "partnerships-named", "funding-announced"):
        assert figures[key].reported_on == AUGUST_23
        assert figures[key].source_url
    assert "Worcestershire" in figures["councils-named"].note
    # The seed's figures stay true of May 2023.
    assert figures["shortlisted"].value == 20
    assert figures["shortlisted"].reported_on == datetime.date(2023, 5, 19)


def counts():
    return {
        "changes": list(StatusChange.objects.order_by("pk").values_list("pk", "to_status", "effective_on")),
        "statuses": list(Council.objects.order_by("pk").values_list("status", "status_effective_on")),
        "events": ProgrammeEvent.objects.count(),
        "names": ProgrammeName.objects.count(),
        "figures": list(KeyFigure.objects.order_by("key").values_list("key", "value", "reported_on")),
        "partnerships_name": Programme.objects.get().partnerships_name,
    }


def test_running_it_again_changes_nothing(story):
    before = counts()

    call_command("load_story_updates", verbosity=0)
    # `make run` runs the seed again before it, every time.
    call_command("load_seed_story", verbosity=0)
    call_command("load_story_updates", verbosity=0)

    assert counts() == before


def test_an_edit_made_since_is_kept_on_the_next_run(story):
    event = ProgrammeEvent.objects.get(happened_on=datetime.date(2026, 1, 29))
    event.text = "The DfE published the interim evaluation."
    event.save()

    call_command("load_story_updates", verbosity=0)

    assert ProgrammeEvent.objects.get(pk=event.pk).text == "The DfE published the interim evaluation."
    assert ProgrammeEvent.objects.count() == 17


def test_a_refused_move_names_its_line_and_nothing_is_loaded(seeded, editor):
    # Wakefield (line 30 of the file) has left the pilot: it cannot be confirmed as lead.
    wakefield = Council.objects.get(slug="wakefield")
    council_set_status(council=wakefield, status=PilotStatus.WITHDRAWN, by=editor, override=True)
    before = StatusChange.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("load_story_updates", verbosity=0)

    message = str(refused.value)
    assert message.startswith("Nothing loaded.")
    assert (
        "change-programme-partnerships-2023.csv, line 30, field “role”: Wakefield cannot move from “Withdrawn” "
        "to “Confirmed as lead”" in message
    )
    assert StatusChange.objects.count() == before
    assert not ProgrammeEvent.objects.exists()
    assert not ProgrammeName.objects.exists()
    assert not KeyFigure.objects.filter(key="councils-named").exists()
    assert Council.objects.get(slug="telford-and-wrekin").status == PilotStatus.NOT_SHORTLISTED


def test_it_needs_the_councils_and_the_seed_story(db, seeded):
    Programme.objects.all().delete()
    with pytest.raises(StoryLoadError, match="load the seed story first"):
        load_story_updates(members=read_partnership_rows(), events=read_event_rows())


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PARTNERSHIP_HEADER = PARTNERSHIPS_CSV.read_text(encoding="utf-8").splitlines()[0] + "\n"
GOOD_ROW = (
    "West Midlands,West Midlands Change Programme Partnership,Telford and Wrekin,E06000020,lead,https://example.org/a,A"
)


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            "West Midlands,West Midlands Change Programme Partnership,Nowhere,E06999999,partner,https://example.org/a,A",
            "line 3, field “gss_code”: no council has the GSS code “E06999999”.",
        ),
        (
            "West Midlands,West Midlands Change Programme Partnership,Shropshire,E06000019,partner,https://example.org/a,A",
            "line 3, field “council_name”: “Shropshire” is not E06000019, which is Herefordshire.",
        ),
        (
            "West Midlands,West Midlands Change Programme Partnership,Shropshire,E06000051,boss,https://example.org/a,A",
            "line 3, field “role”: “boss” is not a role (use one of: lead, joint_lead, partner).",
        ),
        (
            "Mercia,West Midlands Change Programme Partnership,Shropshire,E06000051,partner,https://example.org/a,A",
            "line 3, field “region”: “Mercia” is not an English region.",
        ),
        (
            "West Midlands,West Midlands Change Programme Partnership,Shropshire,E06000051,partner,not-a-url,A",
            "line 3, field “source_url”: “not-a-url” is not a valid URL.",
        ),
        (
            "West Midlands,West Midlands Change Programme Partnership,Telford and Wrekin,E06000020,partner,"
            "https://example.org/a,A",
            "line 3, field “gss_code”: Telford and Wrekin is already on line 2.",
        ),
        (
            "West Midlands,West Midlands Group,Shropshire,E06000051,partner,https://example.org/a,A",
            "line 3, field “partnership_name”: should end “Change Programme Partnership”.",
        ),
    ],
)
def test_a_bad_partnership_row_is_named_by_line_and_field(seeded, tmp_path, row, error):
    path = write(tmp_path, "partnerships.csv", PARTNERSHIP_HEADER + GOOD_ROW + "\n" + row + "\n")

    with pytest.raises(StoryLoadError) as bad:
        read_partnership_rows(path)

    assert f"partnerships.csv, {error}" in str(bad.value)


def test_a_partnership_needs_a_lead_and_a_joint_lead_needs_another(seeded, tmp_path):
    rows = (
        "South West,South West Change Programme Partnership,Swindon,E06000030,joint_lead,https://example.org/a,A\n"
        "North West,North West Change Programme Partnership,Oldham,E08000004,partner,https://example.org/a,A\n"
    )
    with pytest.raises(StoryLoadError) as bad:
        read_partnership_rows(write(tmp_path, "p.csv", PARTNERSHIP_HEADER + rows))

    assert "line 2, field “role”: the only joint lead of South West Change Programme Partnership" in str(bad.value)
    assert "line 3, field “role”: North West Change Programme Partnership has no lead council." in str(bad.value)


def test_a_missing_column_is_named(seeded, tmp_path):
    with pytest.raises(StoryLoadError, match="line 1: missing column.s. gss_code"):
        read_partnership_rows(write(tmp_path, "p.csv", "region,partnership_name,council_name,role\n"))


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("2023-13,Something,https://example.org/a,A", "line 3, field “date”: “2023-13” is not a date"),
        ("23/08/2023,Something,https://example.org/a,A", "line 3, field “date”: “23/08/2023” is not a date"),
        ("2023-08-24,,https://example.org/a,A", "line 3, field “event”: is empty."),
        ("2023-08-23,Again,https://example.org/a,A", "line 3, field “source_url”: line 2 has the same date and source"),
    ],
)
def test_a_bad_event_row_is_named_by_line_and_field(tmp_path, row, error):
    text = "date,event,source_url,source_title\n2023-08-23,Named,https://example.org/a,A\n" + row + "\n"

    with pytest.raises(StoryLoadError) as bad:
        read_event_rows(write(tmp_path, "events.csv", text))

    assert f"events.csv, {error}" in str(bad.value)


def test_the_shipped_files_read_cleanly(seeded):
    members = read_partnership_rows()
    events = read_event_rows()

    assert len(members) == 32
    assert len({row.partnership_name for row in members}) == 9
    assert len({row.council.pk for row in members}) == 32
    assert [event.happened_on for event in events][:2] == [datetime.date(2022, 3, 1), datetime.date(2023, 3, 2)]


def members_by_partnership():
    return {
        partnership.slug: (
            sorted(council.slug for council in partnership.leads),
            sorted(council.slug for council in partnership.partners),
        )
        for partnership in Partnership.objects.prefetch_related("memberships__council")
    }


def test_the_nine_partnerships_form_with_their_32_councils_and_joint_leads(story, client):
    partnerships = members_by_partnership()

    assert len(partnerships) == 9
    assert PartnershipMembership.objects.count() == 32
    assert partnerships["east-midlands"] == (["leicester", "leicestershire", "rutland"], [])
    assert partnerships["south-west"] == (["gloucestershire", "swindon"], [])
    assert partnerships["west-midlands"] == (
        ["telford-and-wrekin"],
        ["herefordshire", "shropshire", "worcestershire"],
    )
    assert partnerships["south-east"][1] == ["brighton-and-hove", "east-sussex", "west-sussex"]
    assert PartnershipMembership.objects.exclude(joined_on=AUGUST_23).count() == 0
    # Named as they were that day, and renamed on 5 October 2023.
    west_midlands = Partnership.objects.get(slug="west-midlands")
    assert west_midlands.name == "West Midlands Change Programme Partnership"
    assert west_midlands.name_on(datetime.date(2023, 8, 23)) == "West Midlands regional expert partnership"
    # The lead is a member like any other: its page names the partnership.
    page = client.get("/councils/telford-and-wrekin/").content.decode()
    assert "West Midlands Change Programme Partnership" in page
    assert "not in a partnership yet" not in page


def test_the_loader_reports_the_rules_warnings_and_builds_nothing_twice(seeded):
    out = StringIO()
    call_command("load_story_updates", stdout=out)
    first = out.getvalue()
    assert "South West Change Programme Partnership: 2 councils so far" in first
    assert "Worcestershire is 85 km from the lead council, Telford and Wrekin" in first

    before = members_by_partnership()
    call_command("load_story_updates", stdout=StringIO())
    assert members_by_partnership() == before
    assert PartnershipMembership.objects.count() == 32
    assert Partnership.objects.count() == 9
