"""The journalists' admin for the tracker's facts: who sees what, and every status path through the one door."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from councils.choices import PilotStatus
from councils.models import (
    Council,
    PartnershipMembership,
    SendInspection,
    StatusChange,
    StatusChangeCorrection,
)
from councils.services import council_set_status
from tests.support.factories import (
    ContractFactory,
    CouncilFactory,
    IntegratedCareBoardFactory,
    KeyFigureFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 5, 19)
OK, REFUSED, LOGIN = 200, 403, 302


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def facts(journalist):
    council = CouncilFactory(short_name="Herefordshire")
    change = council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)
    partnership = PartnershipFactory()
    membership = PartnershipMembership.objects.create(partnership=partnership, council=CouncilFactory())
    return {
        "council": council,
        "statuschange": change,
        "statuschangecorrection": StatusChangeCorrection.objects.create(
            status_change=change, reason="Date corrected.", previous={"effective_on": "2023-05-18"}
        ),
        "partnership": partnership,
        "partnershipmembership": membership,
        "programme": partnership.programme,
        "keyfigure": KeyFigureFactory(programme=partnership.programme),
        "contract": ContractFactory(),
        "integratedcareboard": IntegratedCareBoardFactory(),
        "sendinspection": SendInspection.objects.create(council=council, published_on=DAY, outcome="positive"),
    }


# What each role may open, per model: (changelist, add, change) for journalist, moderator, editor.
# Read-only records (status history, corrections, memberships) have no add page for anyone.
PAGES = {
    "council": ((OK, REFUSED, OK), (REFUSED,) * 3, (OK, OK, OK)),
    "statuschange": ((OK, REFUSED, OK), (REFUSED,) * 3, (OK, REFUSED, OK)),
    "statuschangecorrection": ((OK, REFUSED, OK), (REFUSED,) * 3, (OK, REFUSED, OK)),
    "partnership": ((OK, OK, OK), (REFUSED,) * 3, (OK, OK, OK)),
    "partnershipmembership": ((OK, REFUSED, OK), (REFUSED,) * 3, (OK, REFUSED, OK)),
    "programme": ((OK, REFUSED, OK), (REFUSED,) * 3, (OK, OK, OK)),
    "keyfigure": ((OK, OK, OK), (REFUSED,) * 3, (OK, OK, OK)),
    "contract": ((OK, OK, OK), (REFUSED,) * 3, (OK, OK, OK)),
    "integratedcareboard": ((OK, OK, OK), (REFUSED,) * 3, (OK, OK, OK)),
    "sendinspection": ((OK, OK, OK), (REFUSED,) * 3, (OK, OK, OK)),
}
ROLES = ("journalist", "moderator", "editor")


@pytest.mark.parametrize("model", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_admin_page_loads_for_the_roles_that_may_see_it(request, facts, model, role):
    client = client_for(request.getfixturevalue(role))
    expected = dict(zip(("changelist", "add", "change"), PAGES[model][ROLES.index(role)], strict=True))

    assert client.get(reverse(f"admin:councils_{model}_changelist")).status_code == expected["changelist"]
    assert client.get(reverse(f"admin:councils_{model}_add")).status_code == expected["add"]
    assert (
        client.get(reverse(f"admin:councils_{model}_change", args=[facts[model].pk])).status_code
        == (expected["change"])
    )


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_the_admin_sends_everyone_else_to_the_login_page(request, facts, who):
    client = client_for(None if who == "anonymous" else request.getfixturevalue("reader"))
    for url in (
        reverse("admin:councils_council_changelist"),
        reverse("admin:councils_council_change", args=[facts["council"].pk]),
        reverse("admin:councils_statuschange_correct", args=[facts["statuschange"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == LOGIN
        assert "/admin/login/" in response["Location"]


def test_admin_index_says_what_the_site_is_and_links_to_the_tracker(journalist):
    response = client_for(journalist).get(reverse("admin:index"))

    assert "follows the Department for Education's £70 million pilot of SEND reforms" in response.text
    assert f'href="{reverse("councils:tracker")}"' in response.text


def test_council_page_links_to_the_public_page(journalist, facts):
    response = client_for(journalist).get(reverse("admin:councils_council_change", args=[facts["council"].pk]))

    assert "View on site" in response.text


# --- the council change form ---------------------------------------------------------------


def change_form_data(client, council, **changes):
    """The change form's own values (as a browser would post them back), with some changed."""
    response = client.get(reverse("admin:councils_council_change", args=[council.pk]))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    data["initial-pilot_status"] = council.status
    for prefix in ("care_board_links", "send_inspections"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def post_change_form(client, council, **changes):
    url = reverse("admin:councils_council_change", args=[council.pk])
    return client.post(url, change_form_data(client, council, **changes))


def test_change_form_records_a_status_change_with_its_details(journalist):
    council = CouncilFactory(short_name="Brighton and Hove")
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)
    council_set_status(council=council, status=PilotStatus.CONSIDERING, effective_on=DAY, by=journalist)
    client = client_for(journalist)

    response = post_change_form(
        client,
        council,
        pilot_status=PilotStatus.DECLINED,
        status_effective_date="2023-06-01",
        status_note="The council said it lacked the staff.",
        status_source_url="https://example.org/brighton",
        status_source_title="Council statement",
    )

    assert response.status_code == 302
    change = StatusChange.objects.filter(council=council).latest()
    assert (change.from_status, change.to_status, change.recorded_by) == (
        PilotStatus.CONSIDERING,
        PilotStatus.DECLINED,
        journalist,
    )
    assert (change.effective_on, change.note, change.source_url, change.source_title) == (
        datetime.date(2023, 6, 1),
        "The council said it lacked the staff.",
        "https://example.org/brighton",
        "Council statement",
    )
    council.refresh_from_db()
    assert council.status == PilotStatus.DECLINED
    page = client.get(reverse("admin:councils_council_change", args=[council.pk])).text
    assert "Considering → Declined" in page
    assert "The council said it lacked the staff." in page


def test_change_form_shows_a_refused_move_and_saves_nothing(journalist):
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)
    council_set_status(council=council, status=PilotStatus.DECLINED, effective_on=DAY, by=journalist)
    client = client_for(journalist)

    response = post_change_form(
        client, council, pilot_status=PilotStatus.SHORTLISTED, ofsted_judgement="good", status_note="Back in."
    )

    assert response.status_code == 200
    assert "cannot move from “Declined” to “Shortlisted”" in response.text
    council.refresh_from_db()
    assert council.status == PilotStatus.DECLINED
    assert council.ofsted_judgement == "not_inspected"
    assert StatusChange.objects.filter(council=council).count() == 2


def test_change_form_refuses_a_future_date_on_the_date_field(journalist):
    council = CouncilFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = post_change_form(
        client_for(journalist), council, pilot_status=PilotStatus.SHORTLISTED, status_effective_date=tomorrow
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status_effective_date"] == [
        "The effective date cannot be in the future."
    ]
    assert not StatusChange.objects.filter(council=council).exists()


def test_a_note_without_a_status_change_is_not_silently_dropped(journalist):
    council = CouncilFactory()

    response = post_change_form(client_for(journalist), council, status_note="Said no.")

    assert response.status_code == 200
    assert "go with a status change" in response.text
    assert not StatusChange.objects.exists()


def test_saving_other_facts_never_writes_the_status(journalist, editor):
    council = CouncilFactory()
    client = client_for(journalist)
    data = change_form_data(client, council, ofsted_judgement="good")
    # An editor moves the council while the journalist has the form open.
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=editor)

    response = client.post(reverse("admin:councils_council_change", args=[council.pk]), data)

    assert response.status_code == 302
    council.refresh_from_db()
    assert (council.status, council.ofsted_judgement) == (PilotStatus.SHORTLISTED, "good")
    assert StatusChange.objects.filter(council=council).count() == 1


def test_a_status_moved_by_someone_else_meanwhile_is_not_overwritten(journalist, editor):
    council = CouncilFactory(status=PilotStatus.SHORTLISTED)
    client = client_for(journalist)
    data = change_form_data(client, council, pilot_status=PilotStatus.CONSIDERING)
    council_set_status(council=council, status=PilotStatus.DECLINED, effective_on=DAY, by=editor)

    response = client.post(reverse("admin:councils_council_change", args=[council.pk]), data)

    assert response.status_code == 200
    assert "While you were editing" in response.text
    council.refresh_from_db()
    assert council.status == PilotStatus.DECLINED


def test_only_editors_see_and_use_the_override(journalist, editor):
    council = CouncilFactory(status=PilotStatus.DECLINED)
    url = reverse("admin:councils_council_change", args=[council.pk])

    assert "Override the usual rules" not in client_for(journalist).get(url).text
    response = post_change_form(
        client_for(journalist), council, pilot_status=PilotStatus.SHORTLISTED, override_rules="on"
    )
    assert "cannot move from “Declined” to “Shortlisted”" in response.text
    assert not StatusChange.objects.exists()

    assert "Override the usual rules" in client_for(editor).get(url).text
    response = post_change_form(
        client_for(editor),
        council,
        pilot_status=PilotStatus.SHORTLISTED,
        override_rules="on",
        status_note="The council reversed its decision.",
        status_source_url="https://example.org/reversal",
    )
    assert response.status_code == 302
    change = StatusChange.objects.get(council=council)
    assert (change.to_status, change.overridden, change.recorded_by) == (PilotStatus.SHORTLISTED, True, editor)


def test_journalists_cannot_edit_register_data(journalist):
    council = CouncilFactory(gss_code="E06000019")

    post_change_form(client_for(journalist), council, gss_code="E06999999")

    council.refresh_from_db()
    assert council.gss_code == "E06000019"


# --- no status column on the list: every change asks for its date, note and source ----------


def list_edit(client, rows):
    """Post the council list's editable column for (council, new status) rows, as the old page did."""
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Save"}
    for i, (council, status) in enumerate(rows):
        data.update(
            {f"form-{i}-id": council.pk, f"form-{i}-status": status, f"initial-form-{i}-status": council.status}
        )
    return client.post(reverse("admin:councils_council_changelist"), data)


def test_the_list_has_no_status_column_that_records_without_date_note_or_source(journalist):
    """The list's dropdown recorded a change dated today with no note or source; now only "Mark as …" or the form do."""
    first, second = CouncilFactory(), CouncilFactory()
    client = client_for(journalist)

    page = client.get(reverse("admin:councils_council_changelist")).text
    assert 'name="form-0-status"' not in page
    assert "mark_declined" in page  # the way to record: "Mark as …", which asks for date, note and source

    list_edit(client, [(first, "shortlisted"), (second, "partner")])

    assert not StatusChange.objects.exists()
    assert set(Council.objects.values_list("status", flat=True)) == {"not_shortlisted"}


def test_moderators_cannot_edit_councils(moderator):
    council = CouncilFactory()

    response = list_edit(client_for(moderator), [(council, "shortlisted")])

    assert response.status_code == 403
    assert not StatusChange.objects.exists()


# --- the "Mark as …" bulk actions ----------------------------------------------------------


def run_action(client, councils, status, **form):
    data = {"action": f"mark_{status}", "_selected_action": [c.pk for c in councils], **form}
    if not form:
        data["index"] = 0
    return client.post(reverse("admin:councils_council_changelist"), data)


def test_mark_as_asks_for_date_note_and_source_first(journalist):
    fine = CouncilFactory(short_name="Fineshire", status=PilotStatus.SHORTLISTED)
    stuck = CouncilFactory(short_name="Stuckshire", status=PilotStatus.WITHDRAWN)

    response = run_action(client_for(journalist), [fine, stuck], "declined")

    assert response.status_code == 200
    assert "Mark as “Declined”" in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    for label in ("Effective date", "Public note", "Source URL", "Source title"):
        assert label in response.text
    assert "Override the usual rules" not in response.text
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in response.text  # the date picker starts on today
    assert 'class="vDateField"' in response.text and 'type="date"' not in response.text  # the admin's own widget
    assert "2 selected: 1 will be refused as things stand" in response.text
    assert re.search(r"Stuckshire.*Will be refused: Stuckshire cannot move", response.text, re.S)
    assert not StatusChange.objects.exists()


def test_mark_as_records_each_allowed_change_and_says_which_were_refused(journalist):
    fine = CouncilFactory(short_name="Fineshire", status=PilotStatus.SHORTLISTED)
    also = CouncilFactory(short_name="Alsoshire", status=PilotStatus.CONSIDERING)
    stuck = CouncilFactory(short_name="Stuckshire", status=PilotStatus.WITHDRAWN)

    response = run_action(
        client_for(journalist),
        [fine, also, stuck],
        "declined",
        apply="yes",
        effective_on="2023-06-01",
        note="Both councils said no.",
        source_url="https://example.org/story",
        source_title="Schools Week",
    )

    assert response.status_code == 302
    changes = StatusChange.objects.order_by("council__short_name")
    assert [(c.council, c.from_status, c.to_status, c.note, c.recorded_by) for c in changes] == [
        (also, "considering", "declined", "Both councils said no.", journalist),
        (fine, "shortlisted", "declined", "Both councils said no.", journalist),
    ]
    assert {c.effective_on for c in changes} == {datetime.date(2023, 6, 1)}
    said = messages_of(response)
    assert "Marked 2 councils as “Declined”: Alsoshire, Fineshire." in said
    assert any(m.startswith("1 refused") and "Stuckshire cannot move from “Withdrawn”" in m for m in said)


def test_mark_as_with_a_bad_form_shows_errors_and_records_nothing(journalist):
    council = CouncilFactory(status=PilotStatus.SHORTLISTED)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = run_action(
        client_for(journalist), [council], "declined", apply="yes", effective_on=tomorrow, source_url="not a url"
    )

    assert response.status_code == 200
    assert "The effective date cannot be in the future." in response.text
    assert "Enter a valid URL." in response.text
    assert not StatusChange.objects.exists()


def test_mark_as_needs_the_csrf_token(journalist):
    council = CouncilFactory(status=PilotStatus.SHORTLISTED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)

    response = run_action(client, [council], "declined", apply="yes", effective_on="2023-06-01")

    assert response.status_code == 403
    assert not StatusChange.objects.exists()


def test_editors_can_override_in_a_bulk_action(editor):
    council = CouncilFactory(status=PilotStatus.DECLINED)

    run_action(
        client_for(editor),
        [council],
        "shortlisted",
        apply="yes",
        effective_on="2023-06-01",
        override_rules="on",
        no_public_source="on",
    )

    change = StatusChange.objects.get()
    assert (change.to_status, change.overridden) == ("shortlisted", True)


# --- the status history: read-only, corrected by editors ------------------------------------


def test_nobody_edits_or_deletes_the_history_directly(journalist, editor, facts):
    change = facts["statuschange"]
    for user in (journalist, editor):
        client = client_for(user)
        change_url = reverse("admin:councils_statuschange_change", args=[change.pk])
        assert client.post(change_url, {"note": "Rewritten."}).status_code == 403
        delete_url = reverse("admin:councils_statuschange_delete", args=[change.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change.refresh_from_db()
    assert change.note == ""


def test_journalists_cannot_correct_the_history(journalist, facts):
    url = reverse("admin:councils_statuschange_correct", args=[facts["statuschange"].pk])
    client = client_for(journalist)

    assert client.get(url).status_code == 403
    assert client.post(url, {"effective_on": "2023-05-18", "reason": "x"}).status_code == 403
    assert (
        "Correct this change"
        not in client.get(reverse("admin:councils_statuschange_change", args=[facts["statuschange"].pk])).text
    )


def test_an_editor_corrects_a_change_and_the_correction_is_shown(editor, facts):
    change = facts["statuschange"]
    client = client_for(editor)
    url = reverse("admin:councils_statuschange_correct", args=[change.pk])
    assert "Correct this change" in client.get(reverse("admin:councils_statuschange_change", args=[change.pk])).text
    assert 'value="19/05/2023"' in client.get(url).text  # the form starts from the recorded values

    refused = client.post(url, {"effective_on": "2023-05-18", "note": "", "reason": ""})
    assert refused.status_code == 200
    assert "This field is required." in refused.text

    response = client.post(
        url,
        {"effective_on": "2023-05-18", "note": "Named in a letter.", "reason": "The letter was dated 18 May."},
    )

    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.effective_on, change.note) == (datetime.date(2023, 5, 18), "Named in a letter.")
    correction = change.corrections.latest("corrected_at")
    assert (correction.corrected_by, correction.previous["effective_on"]) == (editor, "2023-05-19")
    page = client.get(reverse("admin:councils_council_change", args=[change.council_id])).text
    assert "The letter was dated 18 May." in page


def test_a_correction_that_breaks_the_order_is_shown_on_the_form(editor, journalist):
    council = CouncilFactory()
    first = council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)
    council_set_status(council=council, status=PilotStatus.DECLINED, effective_on=datetime.date(2023, 6, 1))

    response = client_for(editor).post(
        reverse("admin:councils_statuschange_correct", args=[first.pk]),
        {"effective_on": "2023-07-01", "reason": "Wrong date."},
    )

    assert response.status_code == 200
    assert "cannot be after the next change" in response.text
    assert not StatusChangeCorrection.objects.exists()


@pytest.mark.parametrize("rows", [10, 100])
def test_council_list_queries_do_not_grow_with_rows(journalist, django_assert_max_num_queries, rows):
    icb = IntegratedCareBoardFactory()
    CouncilFactory.create_batch(rows, care_boards=[icb])
    client = client_for(journalist)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:councils_council_changelist"), {"all": ""})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_status_history_list_queries_do_not_grow_with_rows(journalist, django_assert_max_num_queries, rows):
    for council in CouncilFactory.create_batch(rows):
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)
    client = client_for(journalist)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:councils_statuschange_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == rows


def test_users_are_not_a_journalists_business(journalist, moderator):
    for user in (journalist, moderator):
        assert client_for(user).get(reverse("admin:auth_user_changelist")).status_code == 403
        assert client_for(user).get(reverse("admin:auth_group_changelist")).status_code == 403
    assert UserFactory(username="another").is_staff


def test_a_refusal_at_save_time_rolls_back_the_whole_form(journalist, monkeypatch):
    """If the status moves between the form's check and the save, the service refuses and nothing is kept."""
    council = CouncilFactory(status=PilotStatus.DECLINED)
    monkeypatch.setattr("councils.forms.status_move_check", lambda **kwargs: None)

    response = post_change_form(
        client_for(journalist),
        council,
        pilot_status=PilotStatus.SHORTLISTED,
        ofsted_judgement="good",
        status_source_url="https://example.org/shortlist",
    )

    assert response.status_code == 302
    assert any(m.startswith("Nothing was saved") for m in messages_of(response))
    council.refresh_from_db()
    assert (council.status, council.ofsted_judgement) == (PilotStatus.DECLINED, "not_inspected")
    assert not StatusChange.objects.exists()


def test_an_editor_adds_a_council_with_its_status(editor):
    data = {
        "code": "ZZZ",
        "name": "Newtown Council",
        "short_name": "Newtown",
        "slug": "newtown",
        "gss_code": "E06999998",
        "region": "London",
        "council_type": "UA",
        "ofsted_judgement": "good",
        "pilot_status": "shortlisted",
        "status_note": "Named on the shortlist.",
        "status_no_public_source": "on",
        "care_board_links-TOTAL_FORMS": 0,
        "care_board_links-INITIAL_FORMS": 0,
        "send_inspections-TOTAL_FORMS": 0,
        "send_inspections-INITIAL_FORMS": 0,
    }

    response = client_for(editor).post(reverse("admin:councils_council_add"), data)

    assert response.status_code == 302
    council = Council.objects.get(code="ZZZ")
    assert council.status == PilotStatus.SHORTLISTED
    change = StatusChange.objects.get(council=council)
    assert (change.from_status, change.note, change.recorded_by) == (
        "not_shortlisted",
        "Named on the shortlist.",
        editor,
    )


# --- every status change carries its source, and the message says what was recorded ----------


def test_a_status_change_without_a_source_is_refused_unless_no_public_source_is_ticked(journalist):
    council = CouncilFactory(short_name="Brighton and Hove", status=PilotStatus.CONSIDERING)
    client = client_for(journalist)

    refused = post_change_form(client, council, pilot_status=PilotStatus.CONFIRMED_LEAD, status_note="Agreed.")
    assert refused.status_code == 200
    assert "tick “No public source”" in refused.text
    assert not StatusChange.objects.exists()

    response = post_change_form(
        client,
        council,
        pilot_status=PilotStatus.CONFIRMED_LEAD,
        status_effective_date="28/11/2026",
        status_note="Told us by phone.",
        status_no_public_source="on",
    )
    assert response.status_code == 302
    assert (
        "Brighton and Hove: Considering → Confirmed as lead, 28 Nov 2026, on the public timeline (no public source)."
        in messages_of(response)
    )


def test_the_change_form_says_exactly_what_was_recorded(journalist):
    council = CouncilFactory(short_name="Brighton and Hove", status=PilotStatus.CONSIDERING)

    response = post_change_form(
        client_for(journalist),
        council,
        pilot_status=PilotStatus.DECLINED,
        status_effective_date="2023-06-01",
        status_source_url="https://example.org/brighton",
    )

    assert "Brighton and Hove: Considering → Declined, 1 Jun 2023, on the public timeline." in messages_of(response)


def test_mark_as_needs_a_source_or_no_public_source(journalist):
    council = CouncilFactory(short_name="Fineshire", status=PilotStatus.SHORTLISTED)
    client = client_for(journalist)

    refused = run_action(client, [council], "declined", apply="yes", effective_on="01/06/2023", note="Said no.")
    assert refused.status_code == 200
    assert "tick “No public source”" in refused.text
    assert not StatusChange.objects.exists()

    response = run_action(
        client, [council], "declined", apply="yes", effective_on="01/06/2023", source_url="https://example.org/no"
    )
    assert "Fineshire: Shortlisted → Declined, 1 Jun 2023, on the public timeline." in messages_of(response)


def test_every_status_date_uses_the_admins_date_widget(journalist, editor, facts):
    council_page = client_for(journalist).get(reverse("admin:councils_council_change", args=[facts["council"].pk]))
    correct_page = client_for(editor).get(
        reverse("admin:councils_statuschange_correct", args=[facts["statuschange"].pk])
    )

    for page in (council_page.text, correct_page.text):
        assert 'type="date"' not in page
        assert 'class="vDateField"' in page
        assert "DateTimeShortcuts.js" in page


def test_a_correction_shows_what_it_replaced_in_words_not_json(editor, facts):
    change = facts["statuschange"]
    client = client_for(editor)
    correct_url = reverse("admin:councils_statuschange_correct", args=[change.pk])
    assert "admin/css/forms.css" in client.get(correct_url).text  # styled like the admin's other forms

    client.post(correct_url, {"effective_on": "18/05/2023", "note": "", "reason": "The letter was dated 18 May."})

    pages = [
        client.get(reverse("admin:councils_statuschange_change", args=[change.pk])).text,
        client.get(reverse("admin:councils_council_change", args=[change.council_id])).text,
    ]
    for page in pages:
        assert "date was 19 May 2023" in page
        assert "{&quot;effective_on&quot;" not in page and '{"effective_on"' not in page
