"""factory_boy factories for the tracker's models."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Correction, Person, Quote
from comments.models import Comment
from councils.choices import CouncilType, MembershipRole, Region
from councils.models import (
    Contract,
    Council,
    CouncilCareBoard,
    IntegratedCareBoard,
    KeyFigure,
    Partnership,
    PartnershipMembership,
    Programme,
)
from sendtracker.roles import sync_roles


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@newsroom.example")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """UserFactory(role="Journalists") puts the user in that staff group."""
        if extracted:
            if not Group.objects.filter(name=extracted).exists():
                # A transactional test's flush removes the groups the data migration made.
                sync_roles()
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class IntegratedCareBoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntegratedCareBoard

    name = factory.Sequence(lambda n: f"NHS Test Integrated Care Board {n}")
    slug = factory.Sequence(lambda n: f"icb-{n}")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: "".join(chr(65 + (n // 26**i) % 26) for i in (2, 1, 0)))
    short_name = factory.Sequence(lambda n: f"Testshire {n}")
    name = factory.LazyAttribute(lambda council: f"{council.short_name} Council")
    slug = factory.LazyAttribute(lambda council: council.short_name.lower().replace(" ", "-"))
    gss_code = factory.Sequence(lambda n: f"E06{n:06d}")
    la_number = factory.Sequence(lambda n: 100 + n)
    region = Region.WEST_MIDLANDS
    council_type = CouncilType.UNITARY
    population = 190000
    latitude = factory.Sequence(lambda n: 51.0 + (n % 30) * 0.1)
    longitude = factory.Sequence(lambda n: -2.5 + (n % 30) * 0.1)

    @factory.post_generation
    def care_boards(self, create, extracted, **kwargs):
        """CouncilFactory(care_boards=[main, other]) puts the council in those boards, the main part first."""
        if create and extracted:
            for position, board in enumerate(extracted):
                CouncilCareBoard.objects.create(council=self, care_board=board, position=position)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = "SEND and AP change programme"
    slug = "send-ap-change-programme"
    budget = Decimal("70000000")
    max_partnerships = 9


class KeyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyFigure

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"figure-{n}")
    label = "councils shortlisted"
    value = Decimal("20")
    unit = "councils"
    reported_on = datetime.date(2023, 5, 19)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Test regional expert partnership {n}")
    slug = factory.Sequence(lambda n: f"test-partnership-{n}")

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        """PartnershipFactory(leads=[council, ...]) makes them its lead (joint leads, if several) members."""
        if create and extracted:
            for council in extracted:
                PartnershipMembership.objects.create(partnership=self, council=council, role=MembershipRole.LEAD)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            for council in extracted:
                PartnershipMembership.objects.create(partnership=self, council=council, role=MembershipRole.PARTNER)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    role = "Safety valve financial adviser"
    value = Decimal("16000")
    term = "one year"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    headline = factory.Sequence(lambda n: f"SEND pilot update {n}")
    slug = factory.Sequence(lambda n: f"send-pilot-update-{n}")
    standfirst = "What changed this week."
    body = "<p>Councils are still deciding.</p>"
    byline = "Staff reporter"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    text = "An earlier version misnamed the council."


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Spokesperson {n}")
    slug = factory.Sequence(lambda n: f"spokesperson-{n}")
    role = "Spokesperson"


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    person = factory.SubFactory(PersonFactory)
    text = "We are considering the proposals."
    said_on = datetime.date(2023, 5, 19)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    display_name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    body = "My son waited a year for his EHC plan."
    status = Comment.Status.APPROVED
