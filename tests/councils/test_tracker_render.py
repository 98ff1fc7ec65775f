"""/tracker/ drawn from plain rows (issue 15): the same councils in the same order as the CSV, for every
sort and date; the filter form's widgets, drawn once per value, show each request's own choices."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.http import QueryDict

from councils.filters import CouncilFilter

pytestmark = pytest.mark.django_db

SORTS = [
    f"{sign}{key}" for key in ("name", "region", "status", "updated", "ofsted", "population") for sign in ("", "-")
]


@pytest.fixture
def story(seeded):
    """The 153 councils, the seed story and everything since (partnerships, renames, events)."""
    call_command("load_story_updates", verbosity=0)


def table_names(response):
    body = response.content.decode().split('id="tracker-table"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a href="[^"]+"[^>]*>([^<]+)</a></th>', body)


def csv_names(response):
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return [row[0] for row in rows[1:]]


def test_every_sort_lists_the_councils_in_the_csvs_order_today_and_on_a_past_date(client, story):
    """The table sorts by status in Python (one pass instead of a CASE per status over the rebuilt
    status); every sort must still list what the CSV lists, in its order."""
    for as_of in ("", "2023-09-01", "2024-06-30"):
        for sort in SORTS:
            query = {"scope": "all", "ordering": sort, **({"as_of": as_of} if as_of else {})}
            page = client.get("/tracker/", query)
            download = client.get("/tracker.csv", query)

            assert page.status_code == download.status_code == 200
            assert table_names(page) == csv_names(download), (as_of, sort)
            assert len(table_names(page)) == 153


def test_the_pilot_sorted_by_status_on_a_past_date_follows_the_statuses_order(client, story):
    names = table_names(client.get("/tracker/", {"as_of": "2023-09-01", "ordering": "-status"}))
    csv_order = csv_names(client.get("/tracker.csv", {"as_of": "2023-09-01", "ordering": "-status"}))

    assert names == csv_order
    assert names  # councils were in the pilot then


def checked(response, name):
    """The values of the ``name`` checkboxes ticked on the page."""
    html = response.content.decode()
    return sorted(re.findall(rf'<input type="checkbox" name="{name}" value="([^"]+)"[^>]*\bchecked>', html))


def selected(response, name):
    html = response.content.decode()
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected>', select)


def test_the_filter_forms_widgets_show_each_requests_own_choices(client, story):
    """The code-defined widgets are drawn once per value and process: a choice made by one reader
    must not stay ticked for the next, and a new combination is drawn as asked."""
    first = client.get("/tracker/", {"status": "declined", "region": "London", "ordering": "-status"})
    second = client.get("/tracker/")
    third = client.get("/tracker/", {"status": ["declined", "partner"], "ordering": "-status"})

    assert checked(first, "status") == ["declined"]
    assert checked(first, "region") == ["London"]
    assert selected(first, "ordering") == ["-status"]
    assert checked(second, "status") == []
    assert checked(second, "region") == []
    assert selected(second, "ordering") == [""]
    assert checked(third, "status") == ["declined", "partner"]
    assert checked(third, "region") == []
    assert selected(third, "ordering") == ["-status"]


def test_a_widget_with_an_error_is_drawn_with_its_error(client, story):
    response = client.get("/tracker/", {"status": "bogus"})
    html = response.content.decode()

    assert response.status_code == 400
    assert 'aria-invalid="true" id="id_status_0"' in html
    assert checked(response, "status") == []
    assert checked(client.get("/tracker/", {"status": "declined"}), "status") == ["declined"]


def filter_form_html(response):
    html = response.content.decode()
    return html[html.index('<form method="get" action="/tracker/#results"') : html.index("</form>")]


def drawn_afresh(client, path, query):
    """The page for ``query`` with no form kept from an earlier request (and not from the page cache)."""
    from councils import tracker
    from sendtracker import cache

    tracker._drawn_forms.clear()
    tracker._drawn_widgets.clear()
    cache.changed({"tracker"})
    return client.get(path, query)


@pytest.mark.parametrize(
    "query",
    [
        {"as_of": "2023-09-01", "ordering": "-status"},
        {"as_of": "01/09/2023", "ordering": "-status"},  # as a reader may type it: echoed as typed
        {"as_of": "2024-06-30", "status": ["declined", "partner"], "region": "London", "scope": "all"},
        {"as_of": "2024-06-30", "partnership": "north-west"},
        {"q": "kent", "in_safety_valve": "true", "ofsted_judgement": "good"},
        {},
    ],
)
def test_the_kept_filter_form_shows_each_requests_own_date_and_choices(client, story, query):
    """The filter form is kept once per set of values but the date's: a reader asking for another day
    with the same filters gets the form as it would be drawn afresh for that day."""
    # Keeps the form for these filters, with a slot for the date.
    client.get("/tracker/", {**query, "as_of": "2023-06-01"})
    kept = client.get("/tracker/", query)
    afresh = drawn_afresh(client, "/tracker/", query)

    assert kept.status_code == afresh.status_code == 200
    assert filter_form_html(kept) == filter_form_html(afresh)
    if query.get("as_of"):
        assert f'name="as_of" value="{query["as_of"]}"' in filter_form_html(kept)
    else:
        assert 'name="as_of" id="id_as_of"' in filter_form_html(kept)
    assert 'name="as_of" value="2023-06-01"' not in filter_form_html(kept)


def test_a_date_with_an_error_is_drawn_with_its_error_and_not_kept(client, story):
    """A bad date is echoed escaped with its error; the next reader's good date is their own."""
    client.get("/tracker/", {"as_of": "2023-09-01", "region": "London"})
    bad = client.get("/tracker/", {"as_of": '2023-09-01"><b>x', "region": "London"})
    good = client.get("/tracker/", {"as_of": "2023-09-02", "region": "London"})

    assert bad.status_code == 400
    assert 'value="2023-09-01&quot;&gt;&lt;b&gt;x"' in filter_form_html(bad)
    assert "field-error" in filter_form_html(bad)
    assert good.status_code == 200
    assert 'name="as_of" value="2023-09-02"' in filter_form_html(good)
    assert "field-error" not in filter_form_html(good)
    assert filter_form_html(good) == filter_form_html(
        drawn_afresh(client, "/tracker/", {"as_of": "2023-09-02", "region": "London"})
    )


def test_the_static_widgets_are_the_filters_code_defined_choices(db):
    """Only widgets whose choices the code defines are kept: the partnership's come from the database."""
    from councils.tracker import STATIC_WIDGETS

    form = CouncilFilter({}).form
    for name in STATIC_WIDGETS:
        assert not hasattr(form.fields[name], "queryset"), name
    assert hasattr(form.fields["partnership"], "queryset")
    assert "partnership" not in STATIC_WIDGETS


@pytest.mark.parametrize(
    "extra",
    [
        {"q": "shire"},
        {"status": "declined"},
        {"region": "London"},
        {"ofsted_judgement": "good"},
        {"in_safety_valve": "false"},
        {"in_safety_valve": "true"},
        {"partnership": "__first__"},
    ],
)
def test_only_all_councils_with_no_other_filter_skips_asking_which_are_listed(story, extra):
    """The tracker lists every council without asking the filter only for "All 153 councils" alone;
    every other filter (and any added later) keeps its say."""
    from councils.models import Partnership
    from councils.tracker_facts import lists_every_council

    if extra.get("partnership") == "__first__":
        extra = {"partnership": Partnership.objects.order_by("slug").first().slug}

    def cleaned(params):
        query = QueryDict(mutable=True)
        query.update(params)
        council_filter = CouncilFilter(query)
        assert council_filter.is_valid(), council_filter.errors
        return council_filter.form.cleaned_data

    assert lists_every_council(cleaned({"scope": "all", "as_of": "2023-09-01", "ordering": "-status", "q": " "}))
    assert not lists_every_council(cleaned({}))
    assert not lists_every_council(cleaned({"scope": "all", **extra}))


QUERIES = [
    "",
    "ordering=-region",
    "scope=all&as_of=2023-06-01&page=3",
    "status=declined&status=shortlisted&ordering=status&region=South+East",
    "q=St+Helen%27s+%26+Knowsley&ordering=name&ordering=-region",
    "as_of=&q=&scope=all&page=2&in_safety_valve=true",
    "utm_source=x&ordering=-updated&q=caf%C3%A9",
]


@pytest.mark.parametrize("raw", QUERIES)
def test_sort_links_keep_the_query_as_written_with_only_the_sort_changed(raw):
    from django.http import QueryDict

    from councils.tracker import sort_columns

    query = QueryDict(raw)
    current = query.get("ordering") or "name"
    for column in sort_columns(query):
        if not column["key"]:
            continue
        key = column["key"]
        expected_next = f"-{key}" if current == key else key
        params = query.copy()
        params["ordering"] = expected_next
        params.pop("page", None)
        assert column["url"] == "?" + params.urlencode()


@pytest.mark.parametrize("raw", QUERIES)
def test_each_active_filter_links_to_the_query_without_it(db, raw):
    from django.http import QueryDict

    from councils.filters import CouncilFilter
    from councils.tracker import active_filters

    query = QueryDict(raw)
    council_filter = CouncilFilter(query)
    assert council_filter.is_valid()
    for active in active_filters(council_filter.form, query, "/tracker/"):
        remove = QueryDict(active["remove_url"].removeprefix("/tracker/").removeprefix("?").removesuffix("#results"))
        assert "page" not in remove
        for key, values in query.lists():
            if key == "page":
                continue
            kept = remove.getlist(key)
            assert set(kept) <= {v for v in values if v}  # nothing added, empty fields dropped
        removed = [(k, v) for k, vs in query.lists() for v in vs if v and k != "page" and v not in remove.getlist(k)]
        assert len(removed) == 1 or (removed and all(k == removed[0][0] for k, _ in removed)), (active, removed)
