"""The facts of the seed article (shared/seed/schoolsweek-send-pilot-article.txt), loaded idempotently."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from councils.choices import OfstedJudgement, PilotStatus
from councils.models import Contract, Council, KeyFigure, Programme, StatusChange
from councils.services import council_set_status

from .models import Article, Person, Quote

# The copy in shared/seed carries no dateline. This is the date the newsroom ran it;
# an editor can correct it in the admin and the timeline keeps the correction.
REPORTED_ON = datetime.date(2023, 5, 19)
ARTICLE_SLUG = "twenty-councils-shortlisted-to-lead-70m-send-pilot"
HEADLINE = "Twenty councils shortlisted to lead £70m SEND pilot, but one declines"

BODY = """
<p>Twenty councils have been shortlisted to lead a £70 million pilot of SEND reforms across their schools – but one has already declined to take part.</p>
<p>Up to nine “regional expert partnerships” in England will test reforms that include new national special educational needs and disabilities standards and “tailored” lists of schools for children with education health and care plans.</p>
<p>The groups are set to launch by the end of this year to trial new policies put forward in the SEND and alternative provision green paper.</p>
<p>Two or three other local authorities based “predominantly on their geographical proximity” to the lead council will join the partnership.</p>
<p>This will enable reforms to be tested “in a wide range of local areas with differing performance, capacity and capability”, said Claire Coutinho, the children’s minister.</p>
<p>“Real-time” learning will be fed back to the government to “build a strong evidence base to inform future funding and legislation”, said the Department for Education.</p>
<p>Schools Week understands 20 councils have been shortlisted.</p>
<p>Officials used publicly available data to help identify local authorities with “potential to lead” partnerships, Coutinho said in a parliamentary question this week.</p>
<p>Three areas previously had “significant weaknesses” in SEND services, but sufficient progress was made when they were reinspected by Ofsted and the Care Quality Commission.</p>
<h2>Council declines DfE’s offer</h2>
<p>Fifteen of the councils have ‘good’ or ‘outstanding’ children’s services, with four ‘requires improvement’ and one ‘inadequate’.</p>
<p>However, Herefordshire – which has the ‘inadequate’ judgment – said while it was “delighted” to be selected, it declined the offer.</p>
<p>A spokesperson said it was “a small authority in terms of staff” so “has made the decision that at this point we need to prioritise our resources for delivery and development work”.</p>
<p>Brighton and Hove said it was considering proposals with NHS colleagues before deciding whether to submit “an expression of interest”.</p>
<p>The DfE said partnerships, “wherever possible”, would be within a single integrated care board to ensure “close collaboration with health partners”.</p>
<p>The shortlist does not include any council that, under the government’s “safety valve” programme, has received multi-million pound bailouts to plug their high-needs deficits. In exchange for the cash, the councils must follow strict conditions to cut SEND spend.</p>
<h2>Consultants handed £16k contracts</h2>
<p>But Coutinho said these councils would not “necessarily” be excluded from “sharing and/or receiving learning” during the pilot.</p>
<p>Meanwhile, six consultants have been given £16,000, one-year contracts to become “safety valve financial advisers”, according to contract documents published this week.</p>
<p>The DfE said the consultants would advise ministers on the “viability and credibility” of councils’ funding recovery plans to ensure plans were “sustainable” and “effective” for children and to help monitor councils’ progress.</p>
<p>Rachel de Souza, the children’s commissioner, has previously warned ministers their reforms risked “more years of children being fed” into a “vicious cycle” of poor outcomes.</p>
<p>Many of the major reforms will not be rolled out nationwide until as late as 2026. The review was launched in 2019.</p>
<p>Coutinho defended the timescales, saying it was “important” to “take time” to get the reforms right.</p>
""".strip()

# Key figures that count contracts: the role they count, so the admin and contracts page check them.
LEDGER_ROLES = {"financial-advisers": "Safety valve financial adviser"}

KEY_FIGURES = [
    ("budget", "budget for the SEND and AP change programme", Decimal("70000000"), "£", ""),
    ("max-partnerships", "regional expert partnerships at most", Decimal("9"), "partnerships", ""),
    ("shortlisted", "councils shortlisted to lead a partnership", Decimal("20"), "councils", ""),
    (
        "good-or-outstanding",
        "shortlisted councils with good or outstanding children's services",
        Decimal("15"),
        "councils",
        "",
    ),
    (
        "requires-improvement",
        "shortlisted councils whose children's services require improvement",
        Decimal("4"),
        "councils",
        "",
    ),
    (
        "inadequate",
        "shortlisted council with inadequate children's services",
        Decimal("1"),
        "councils",
        "Herefordshire.",
    ),
    (
        "reinspected-sufficient-progress",
        "shortlisted areas that had significant SEND weaknesses, then made sufficient progress",
        Decimal("3"),
        "areas",
        "Reinspected by Ofsted and the Care Quality Commission.",
    ),
    ("financial-advisers", "safety valve financial advisers contracted", Decimal("6"), "contracts", ""),
]

PEOPLE = {
    "claire-coutinho": ("Claire Coutinho", "Children's minister", "Department for Education", None),
    "rachel-de-souza": ("Rachel de Souza", "Children's commissioner for England", "Children's Commissioner", None),
    # Spokespeople are named by their organisation; a role would only repeat it.
    "dfe-spokesperson": ("Department for Education spokesperson", "", "Department for Education", None),
    "herefordshire-council-spokesperson": (
        "Herefordshire Council spokesperson",
        "",
        "Herefordshire Council",
        "HEF",
    ),
}

QUOTES = [
    (
        "claire-coutinho",
        "in a wide range of local areas with differing performance, capacity and capability",
        "On why partnerships mix councils of differing performance.",
        [],
    ),
    ("claire-coutinho", "potential to lead", "In a parliamentary question, on how officials chose the shortlist.", []),
    (
        "claire-coutinho",
        "important … take time",
        "Defending the timescale: many reforms will not reach every area until 2026.",
        [],
    ),
    (
        "dfe-spokesperson",
        "build a strong evidence base to inform future funding and legislation",
        "On feeding “real-time” learning from the partnerships back to government.",
        [],
    ),
    (
        "herefordshire-council-spokesperson",
        "a small authority in terms of staff … has made the decision that at this point we need to "
        "prioritise our resources for delivery and development work",
        "Explaining why Herefordshire declined to lead a partnership, though “delighted” to be selected.",
        ["HEF"],
    ),
    (
        "rachel-de-souza",
        "more years of children being fed … vicious cycle",
        "Warning ministers earlier that the reforms risked prolonging poor outcomes.",
        [],
    ),
]

# (council code, [(status, note)]), applied in order on REPORTED_ON.
STATUS_HISTORY = [
    (
        "HEF",
        [
            (PilotStatus.SHORTLISTED, "Named among the 20 councils shortlisted to lead a regional expert partnership."),
            (
                PilotStatus.DECLINED,
                "Declined the offer to lead: “a small authority in terms of staff”, it chose to prioritise "
                "resources for delivery and development work.",
            ),
        ],
    ),
    (
        "BNH",
        [
            (PilotStatus.SHORTLISTED, "Named among the 20 councils shortlisted to lead a regional expert partnership."),
            (
                PilotStatus.CONSIDERING,
                "Considering the proposals with NHS colleagues before deciding whether to submit an expression of interest.",
            ),
        ],
    ),
]


@transaction.atomic
def load_seed_story(*, by=None):
    """Load the seed article's facts. Safe to run again: nothing is duplicated."""
    programme, _ = Programme.objects.update_or_create(
        slug="send-ap-change-programme",
        defaults={
            "name": "SEND and AP change programme",
            "description": (
                "The Department for Education's pilot of the SEND and alternative provision reforms, "
                "tested by up to nine regional expert partnerships."
            ),
            "budget": Decimal("70000000"),
            "max_partnerships": 9,
            "expected_launch": "by the end of this year",
        },
    )
    published_at = timezone.make_aware(datetime.datetime.combine(REPORTED_ON, datetime.time(9, 0)))
    article, _ = Article.objects.get_or_create(
        slug=ARTICLE_SLUG,
        defaults={
            "headline": HEADLINE,
            "standfirst": (
                "Up to nine regional expert partnerships will test the SEND reforms. Herefordshire has "
                "said no; Brighton and Hove is considering."
            ),
            "body": BODY,
            "byline": "Schools Week reporter",
            "status": Article.Status.PUBLISHED,
            "published_at": published_at,
            "comment_moderation": Article.Moderation.PRE,
            # The story the tracker follows stays open for readers' thoughts for a year from loading.
            "comments_close_at": timezone.now() + datetime.timedelta(days=365),
        },
    )
    source = {"source_url": settings.SITE_URL.rstrip("/") + article.get_absolute_url(), "source_title": HEADLINE}

    for position, (key, label, value, unit, note) in enumerate(KEY_FIGURES):
        KeyFigure.objects.update_or_create(
            programme=programme,
            key=key,
            defaults={
                "label": label,
                "value": value,
                "unit": unit,
                "note": note,
                "reported_on": REPORTED_ON,
                "position": position,
                "ledger_role": LEDGER_ROLES.get(key, ""),
                **source,
            },
        )

    councils = {council.code: council for council in Council.objects.filter(code__in=["HEF", "BNH"])}
    if "HEF" in councils:
        hereford = councils["HEF"]
        if hereford.ofsted_judgement == OfstedJudgement.NOT_INSPECTED:
            hereford.ofsted_judgement = OfstedJudgement.INADEQUATE
            hereford.save(update_fields=["ofsted_judgement", "updated_at"])
    article.councils.add(*councils.values())

    for code, moves in STATUS_HISTORY:
        council = councils.get(code)
        if council is None:
            continue
        for status, note in moves:
            already = StatusChange.objects.filter(council=council, to_status=status, effective_on=REPORTED_ON)
            if already.exists() or council.status != _previous(moves, status):
                continue
            council_set_status(council=council, status=status, effective_on=REPORTED_ON, note=note, by=by, **source)

    people = {}
    for slug, (name, role, organisation, council_code) in PEOPLE.items():
        people[slug], _ = Person.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "role": role,
                "organisation": organisation,
                "council": councils.get(council_code) if council_code else None,
            },
        )
    for person_slug, text, context, council_codes in QUOTES:
        quote, _ = Quote.objects.get_or_create(
            person=people[person_slug],
            text=text,
            defaults={
                "said_on": REPORTED_ON,
                "context": context,
                "article": article,
                "source_url": source["source_url"],
            },
        )
        quote.councils.add(*(councils[code] for code in council_codes if code in councils))

    for number in range(1, 7):
        Contract.objects.get_or_create(
            programme=programme,
            reference=f"safety-valve-adviser-{number}",
            defaults={
                "role": "Safety valve financial adviser",
                "supplier": "",
                "value": Decimal("16000"),
                "term": "one year",
                "published_on": REPORTED_ON,
                "source_url": source["source_url"],
                "notes": (
                    "One of six consultants advising ministers on the “viability and credibility” of councils' "
                    "funding recovery plans. Supplier not named in the reporting."
                ),
            },
        )
    return article


def _previous(moves, status):
    """The status a council must be in for ``status`` to be the next seed move."""
    index = [move for move, _ in moves].index(status)
    return moves[index - 1][0] if index else PilotStatus.NOT_SHORTLISTED
