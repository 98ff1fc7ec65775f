"""A small tracker for the API tests, with a reader's private details planted to hunt for."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from councils.choices import MembershipRole, OfstedJudgement, PilotStatus, Region
from councils.models import PartnershipMembership
from councils.services import council_set_status
from tests.support.factories import (
    ArticleFactory,
    CommentFactory,
    ContractFactory,
    CorrectionFactory,
    CouncilFactory,
    KeyFigureFactory,
    PartnershipFactory,
    PersonFactory,
    QuoteFactory,
)

PRIVATE_EMAIL = "planted.reader@private.example"
PRIVATE_IP_HASH = "f00dfacecafe0123456789abcdef0123456789abcdef0123456789abcdef0123"
PRIVATE_USER_AGENT = "PlantedBrowser/9.9 (private)"

# DRF's anonymous throttle keeps its count under this key for the test clients' address.
THROTTLE_KEY = "throttle:anon:127.0.0.1"


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Each test starts with no requests counted against the test client's address."""
    cache.delete(THROTTLE_KEY)
    yield
    cache.delete(THROTTLE_KEY)


@pytest.fixture
def tracker(db):
    """Councils with histories, a partnership, contracts, figures, quotes, articles and comments."""
    hereford = CouncilFactory(
        short_name="Herefordshire",
        name="Herefordshire Council",
        slug="herefordshire",
        gss_code="E06000019",
        la_number=884,
        region=Region.WEST_MIDLANDS,
        ofsted_judgement=OfstedJudgement.INADEQUATE,
        latitude=52.08,
        longitude=-2.75,  # Herefordshire's own point, not whatever the factory's sequence gives
    )
    brighton = CouncilFactory(
        short_name="Brighton and Hove",
        name="Brighton and Hove City Council",
        slug="brighton-and-hove",
        gss_code="E06000043",
        la_number=846,
        region=Region.SOUTH_EAST,
        ofsted_judgement=OfstedJudgement.GOOD,
    )
    leeds = CouncilFactory(
        short_name="Leeds",
        slug="leeds",
        gss_code="E08000035",
        la_number=383,
        region=Region.YORKSHIRE,
        in_safety_valve=True,
    )
    outsider = CouncilFactory(short_name="Rutland", slug="rutland", gss_code="E06000017", la_number=857)
    may = datetime.date(2023, 5, 19)
    for council in (hereford, brighton, leeds):
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 1))
    council_set_status(
        council=hereford,
        status=PilotStatus.DECLINED,
        effective_on=may,
        note="Said it must prioritise its resources.",
        source_title="Schools Week",
    )
    council_set_status(council=brighton, status=PilotStatus.CONSIDERING, effective_on=may)
    partnership = PartnershipFactory(name="West Yorkshire partnership", slug="west-yorkshire")
    PartnershipMembership.objects.create(partnership=partnership, council=leeds, role=MembershipRole.LEAD)

    ContractFactory(role="Safety valve financial adviser", supplier="Adviser One", value=Decimal("16000"))
    ContractFactory(
        role="Safety valve financial adviser", supplier='=HYPERLINK("http://evil.example")', value=Decimal("16000")
    )
    ContractFactory(role="Evaluation partner", supplier="Small Research Ltd", value=Decimal("9500"))
    KeyFigureFactory(key="shortlisted", label="councils shortlisted", value=Decimal("20"))

    article = ArticleFactory(headline="Herefordshire declines the SEND pilot", slug="herefordshire-declines")
    article.councils.add(hereford)
    CorrectionFactory(article=article, text="An earlier version gave the wrong date.")
    draft = ArticleFactory(slug="draft-scoop", headline="Unpublished scoop", status=Article.Status.DRAFT)
    scheduled = ArticleFactory(
        slug="scheduled-piece", headline="Scheduled piece", published_at=timezone.now() + datetime.timedelta(days=2)
    )
    spokesperson = PersonFactory(name="Herefordshire spokesperson", slug="herefordshire-spokesperson", council=hereford)
    quote = QuoteFactory(person=spokesperson, text="We need to prioritise our resources.", said_on=may, article=article)
    quote.councils.add(hereford)
    QuoteFactory(person=spokesperson, text="Said in a draft.", article=draft)

    approved = CommentFactory(
        article=article,
        display_name="A parent in Hereford",
        email=PRIVATE_EMAIL,
        ip_hash=PRIVATE_IP_HASH,
        user_agent=PRIVATE_USER_AGENT,
        body="We waited a year for an EHC plan.",
        status=Comment.Status.APPROVED,
    )
    CommentFactory(article=article, body="Pending thoughts", status=Comment.Status.PENDING, email=PRIVATE_EMAIL)
    CommentFactory(article=article, body="Spam thoughts", status=Comment.Status.SPAM, ip_hash=PRIVATE_IP_HASH)
    CommentFactory(article=draft, body="Comment on a draft", status=Comment.Status.APPROVED)
    return {
        "hereford": hereford,
        "brighton": brighton,
        "leeds": leeds,
        "outsider": outsider,
        "partnership": partnership,
        "article": article,
        "draft": draft,
        "scheduled": scheduled,
        "person": spokesperson,
        "quote": quote,
        "comment": approved,
    }
