"""Every database constraint of every model is checked before saving, with a sentence saying what to fix.

The walk below covers each CheckConstraint and UniqueConstraint: a new constraint without a
violating example here fails the first test, so none can reach a user as "Constraint … is violated".
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from articles.models import Article
from comments.models import CommentReport, ModerationWord
from councils.choices import DatePrecision, PilotStatus
from councils.models import (
    CouncilCareBoard,
    IntegratedCareBoard,
    KeyFigure,
    PartnershipMembership,
    PartnershipName,
    Programme,
    ProgrammeEvent,
    ProgrammeName,
    StatusChange,
)
from tests.support.factories import (
    ArticleFactory,
    CommentFactory,
    ContractFactory,
    CouncilFactory,
    IntegratedCareBoardFactory,
    KeyFigureFactory,
    PartnershipFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 8, 23)


def _icb_same_code():
    IntegratedCareBoardFactory(code="QHG")
    return IntegratedCareBoard(name="Another board", slug="another-board", code="QHG")


def _care_board_twice():
    link = CouncilCareBoard.objects.create(council=CouncilFactory(), care_board=IntegratedCareBoardFactory())
    return CouncilCareBoard(council=link.council, care_board=link.care_board, position=1)


def _care_board_same_position():
    link = CouncilCareBoard.objects.create(council=CouncilFactory(), care_board=IntegratedCareBoardFactory())
    return CouncilCareBoard(council=link.council, care_board=IntegratedCareBoardFactory(), position=0)


def _programme_name_same_day():
    programme = ProgrammeFactory()
    ProgrammeName.objects.create(programme=programme, name="Old", replaced_on=DAY)
    return ProgrammeName(programme=programme, name="Older", replaced_on=DAY)


def _partnership_name_same_day():
    partnership = PartnershipFactory()
    PartnershipName.objects.create(partnership=partnership, name="Old", replaced_on=DAY)
    return PartnershipName(partnership=partnership, name="Older", replaced_on=DAY)


def _membership_twice():
    membership = PartnershipMembership.objects.create(partnership=PartnershipFactory(), council=CouncilFactory())
    return PartnershipMembership(partnership=membership.partnership, council=membership.council)


def _report_twice():
    report = CommentReport.objects.create(comment=CommentFactory(), reason="spam", reporter_hash="abc")
    return CommentReport(comment=report.comment, reason="abuse", reporter_hash="abc")


def _word_twice():
    ModerationWord.objects.create(word="spam", action="banned")
    return ModerationWord(word="spam", action="suspect")


def _key_figure_same_key():
    figure = KeyFigureFactory(key="advisers")
    return KeyFigure(programme=figure.programme, key="advisers", label="advisers", value=Decimal(7), reported_on=DAY)


# constraint name -> (an unsaved instance that breaks it, words the message must contain)
VIOLATIONS = {
    "programme_budget_gte_0": (
        lambda: Programme(name="P", slug="p", budget=Decimal(-1)),
        "budget cannot be negative",
    ),
    "programmename_one_per_day": (_programme_name_same_day, "own date"),
    "partnershipname_one_per_day": (_partnership_name_same_day, "own date"),
    "programmeevent_month_on_first": (
        lambda: ProgrammeEvent(
            programme=ProgrammeFactory(), happened_on=DAY, precision=DatePrecision.MONTH, text="Launched"
        ),
        "first of the month",
    ),
    "keyfigure_unique_key": (_key_figure_same_key, "already has a key figure"),
    "contract_value_gte_0": (lambda: ContractFactory.build(value=Decimal(-5)), "cannot be negative"),
    "contract_ends_after_start": (
        lambda: ContractFactory.build(starts_on=DAY, ends_on=DAY - datetime.timedelta(days=1)),
        "cannot end before it starts",
    ),
    "icb_unique_code": (_icb_same_code, "already has this code"),
    "council_safety_valve_amount_gte_0": (
        lambda: CouncilFactory.build(safety_valve_amount=Decimal(-1)),
        "cannot be negative",
    ),
    "councilcareboard_once": (_care_board_twice, "already linked"),
    "councilcareboard_one_per_position": (_care_board_same_position, "in that position"),
    "statuschange_moves": (
        lambda: StatusChange(
            council=CouncilFactory(),
            from_status=PilotStatus.SHORTLISTED,
            to_status=PilotStatus.SHORTLISTED,
            effective_on=DAY,
        ),
        "different status",
    ),
    "membership_one_current_per_council": (_membership_twice, "already a member"),
    "membership_leaves_after_joining": (
        lambda: PartnershipMembership(
            partnership=PartnershipFactory(),
            council=CouncilFactory(),
            joined_on=DAY,
            left_on=DAY - datetime.timedelta(days=1),
        ),
        "before it joined",
    ),
    "article_published_has_time": (
        lambda: ArticleFactory.build(status=Article.Status.PUBLISHED, published_at=None),
        "needs a publish time",
    ),
    "report_one_per_reader": (_report_twice, "already reported"),
    "moderationword_unique": (_word_twice, "already on the list"),
}


def every_constraint():
    for app_label in ("councils", "articles", "comments"):
        for model in apps.get_app_config(app_label).get_models():
            for constraint in model._meta.constraints:
                yield model, constraint


def test_the_walk_covers_every_constraint_of_every_model():
    assert {constraint.name for _model, constraint in every_constraint()} == set(VIOLATIONS)


@pytest.mark.parametrize(
    ("model", "constraint"), list(every_constraint()), ids=lambda value: getattr(value, "name", "")
)
def test_each_constraint_has_a_plain_sentence(model, constraint):
    message = constraint.get_violation_error_message()

    assert constraint.name not in message
    assert "Constraint" not in message and "violated" not in message
    assert message[0].isupper() and message.endswith(".")


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_breaking_each_constraint_is_refused_with_its_sentence(name):
    build, words = VIOLATIONS[name]
    instance = build()

    with pytest.raises(ValidationError) as refused:
        instance.validate_constraints()

    messages = " ".join(refused.value.messages)
    assert words in messages
    assert name not in messages and "Constraint" not in messages
