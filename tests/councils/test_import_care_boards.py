"""import_care_boards: the 42 NHS integrated care boards and each authority's board(s), idempotent,
with clear errors for bad rows."""

import io

import pytest
from django.core.management import CommandError, call_command

from councils.importers import CARE_BOARDS_CSV
from councils.models import Council, CouncilCareBoard, IntegratedCareBoard
from tests.councils.csv_files import copy_with
from tests.support.factories import IntegratedCareBoardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def councils(db):
    call_command("import_councils", verbosity=0)


def run_import(*args):
    out = io.StringIO()
    call_command("import_care_boards", *args, stdout=out)
    return out.getvalue()


def boards_of(slug):
    return [
        (link.care_board.code, link.is_main)
        for link in CouncilCareBoard.objects.filter(council__slug=slug).select_related("care_board")
    ]


def test_imports_every_board_and_each_councils_boards(councils):
    output = run_import()

    assert IntegratedCareBoard.objects.count() == 42
    assert CouncilCareBoard.objects.count() == 165
    assert not Council.objects.filter(care_board_links__isnull=True).exists()
    assert "Care boards: 42 created, 0 updated, 0 unchanged." in output
    assert "Councils' boards: 153 created, 0 updated, 0 unchanged (10 councils in more than one board)." in output
    herefordshire = Council.objects.get(slug="herefordshire")
    assert str(herefordshire.main_care_board) == "NHS Herefordshire and Worcestershire Integrated Care Board"
    assert herefordshire.main_care_board.code == "E54000019"


def test_an_authority_straddling_boards_gets_each_with_the_main_part_first(councils):
    run_import()

    assert boards_of("hampshire") == [("E54000042", True), ("E54000034", False)]
    assert boards_of("essex") == [("E54000026", True), ("E54000023", False), ("E54000025", False)]
    link = CouncilCareBoard.objects.get(council__slug="hampshire", position=1)
    assert link.share_note.startswith("part: 105 of 865 2021 LSOAs (12.1%)")


def test_rerun_changes_nothing_and_repairs_what_was_changed(councils):
    run_import()
    assert "0 created, 0 updated, 42 unchanged" in run_import()

    CouncilCareBoard.objects.filter(council__slug="hampshire").delete()
    CouncilCareBoard.objects.filter(council__slug="essex", position=2).delete()
    IntegratedCareBoard.objects.filter(code="E54000034").update(name="NHS Frimley (old name)")
    output = run_import()

    assert "Care boards: 0 created, 1 updated, 41 unchanged." in output
    assert "Councils' boards: 1 created, 1 updated, 151 unchanged" in output
    assert boards_of("hampshire") == [("E54000042", True), ("E54000034", False)]
    assert CouncilCareBoard.objects.count() == 165
    assert IntegratedCareBoard.objects.count() == 42


def test_a_board_recorded_by_hand_is_matched_by_name_and_kept(councils):
    handmade = IntegratedCareBoardFactory(name="NHS Sussex Integrated Care Board", slug="sussex", code="")

    run_import()

    handmade.refresh_from_db()
    assert handmade.code == "E54000064"
    assert IntegratedCareBoard.objects.count() == 42
    assert boards_of("brighton-and-hove") == [("E54000064", True)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gss_code", "E06999999", "no council has the GSS code “E06999999” (run import_councils first)"),
        ("icb_code", "Q42", "“Q42” is not an ONS care board code"),
        ("icb_name", "", "is empty"),
        ("icb_name", "NHS Somewhere Else", "differs from the name on line"),
    ],
)
def test_a_bad_row_names_line_and_field_and_imports_nothing(councils, tmp_path, field, value, message):
    path = copy_with(CARE_BOARDS_CSV, tmp_path, 60, field, value)

    with pytest.raises(CommandError) as error:
        run_import(str(path))

    assert str(error.value).startswith("Nothing imported. Line 62, field")
    assert f"field “{field}”" in str(error.value)
    assert message in str(error.value)
    assert not IntegratedCareBoard.objects.exists()
    assert not CouncilCareBoard.objects.exists()


def test_a_repeated_row_is_refused(councils, tmp_path):
    path = tmp_path / "repeat.csv"
    path.write_text(
        "gss_code,authority_name,icb_code,icb_name,share_note,source\n"
        "E06000019,Herefordshire,E54000019,NHS Herefordshire and Worcestershire ICB,whole,x\n"
        "E06000019,Herefordshire,E54000019,NHS Herefordshire and Worcestershire ICB,whole,x\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="Line 3, field “icb_code”: E06000019 in E54000019 repeats line 2"):
        run_import(str(path))


def test_councils_must_be_imported_first(db):
    with pytest.raises(CommandError, match="Line 2, field “gss_code”: no council has the GSS code"):
        run_import()


def test_missing_file_and_missing_columns_are_clear_errors(councils, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(str(tmp_path / "nope.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("gss_code,icb_code\nE06000019,E54000019\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 1: missing column"):
        run_import(str(bad))


def test_the_council_page_and_api_show_every_board(client, councils):
    run_import()

    page = client.get("/councils/hampshire/").content.decode()
    body = client.get("/api/councils/hampshire/").json()

    assert "Integrated care boards" in page
    assert "NHS Hampshire and Isle of Wight Integrated Care Board (main part)" in page
    assert "NHS Frimley Integrated Care Board (part)" in page
    assert body["icb"] == {"name": "NHS Hampshire and Isle of Wight Integrated Care Board", "code": "E54000042"}
    assert [(board["code"], board["is_main"]) for board in body["care_boards"]] == [
        ("E54000042", True),
        ("E54000034", False),
    ]
