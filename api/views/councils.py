"""Read-only endpoints for the tracker's facts. Thin: a queryset method, a FilterSet, a serializer."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.response import Response

from councils.filters import (
    ContractFilter,
    CouncilFilter,
    KeyFigureFilter,
    PartnershipFilter,
    StatusChangeFilter,
    as_of_from_query,
)
from councils.models import Contract, Council, KeyFigure, Partnership, StatusChange
from councils.selectors import care_boards_prefetch, council_memberships_prefetch, current_memberships_prefetch
from councils.tracker_facts import tracker_facts
from sendtracker.cache import version_of

from .. import fastlists
from ..base import ID_PATTERN, SLUG_PATTERN, PublicReadOnlyViewSet, api_cache_page
from ..filters import APIFilterBackend
from ..serializers import councils as serializers

# CouncilFilter filters partnerships by slug through a method; tell the schema it takes a string.
extend_schema_field(OpenApiTypes.STR)(CouncilFilter.base_filters["partnership"])


HEREFORDSHIRE = OpenApiExample(
    "Herefordshire",
    response_only=True,
    value={
        "slug": "herefordshire",
        "name": "Herefordshire",
        "gss_code": "E06000019",
        "la_number": 884,
        "url": "https://send-tracker.example/api/councils/herefordshire/",
        "page_url": "https://send-tracker.example/councils/herefordshire/",
        "official_name": "Herefordshire Council",
        "code": "HEF",
        "region": "West Midlands",
        "council_type": "UA",
        "council_type_label": "Unitary authority",
        "population": 193615,
        "latitude": 52.0765,
        "longitude": -2.6544,
        "status": "declined",
        "status_label": "Declined",
        "status_effective_on": "2023-05-19",
        "status_as_of": None,
        "status_effective_as_of": None,
        "ofsted_judgement": "inadequate",
        "ofsted_judgement_label": "Inadequate",
        "ofsted_judgement_on": None,
        "in_safety_valve": False,
        "safety_valve_amount": None,
        "icb": None,
        "care_boards": [],
        "partnerships": [],
        "updated_at": "2023-05-19T09:00:00Z",
    },
)

CHANGE = OpenApiExample(
    "Herefordshire declines",
    response_only=True,
    value={
        "id": 3,
        "url": "https://send-tracker.example/api/status-changes/3/",
        "page_url": "https://send-tracker.example/councils/herefordshire/#change-3",
        "council": {
            "slug": "herefordshire",
            "name": "Herefordshire",
            "gss_code": "E06000019",
            "la_number": 884,
            "url": "https://send-tracker.example/api/councils/herefordshire/",
            "page_url": "https://send-tracker.example/councils/herefordshire/",
        },
        "from_status": "shortlisted",
        "from_status_label": "Shortlisted",
        "to_status": "declined",
        "to_status_label": "Declined",
        "effective_on": "2023-05-19",
        "recorded_at": "2023-05-19T10:30:00Z",
        "note": "Said it must prioritise its resources for delivery and development work.",
        "source_url": "",
        "source_title": "Schools Week",
        "corrections": [],
    },
)


class AsOfMixin:
    """A list or detail as it stood on ``?as_of=`` (members, names), as the public pages show it.

    The FilterSet validates the date and answers 400 for a bad one; here an invalid date reads as none.
    """

    @property
    def as_of(self):
        if not hasattr(self, "_as_of"):  # read three times a request
            self._as_of = as_of_from_query(self.request.query_params)[0]
        return self._as_of

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": self.as_of}


@api_cache_page("tracker", "articles")  # sources citing an article show once it is published
@extend_schema_view(
    list=extend_schema(
        summary="Councils",
        description=(
            "Councils in the pilot (every status but “not shortlisted”) unless `status` or `scope=all` says "
            "otherwise, with their GSS code, DfE LA number and public page. `as_of` rebuilds each council's "
            "status as it stood on that date, as the tracker page does."
        ),
    ),
    retrieve=extend_schema(summary="One council, by slug", examples=[HEREFORDSHIRE]),
)
class CouncilViewSet(AsOfMixin, PublicReadOnlyViewSet):
    serializer_class = serializers.CouncilSerializer
    filterset_class = CouncilFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    last_modified_field = "updated_at"

    def get_queryset(self):
        if self.action == "list":  # plain_list reads the care boards and memberships itself
            return Council.objects.all()
        return Council.objects.prefetch_related(care_boards_prefetch(), council_memberships_prefetch(self.as_of))

    def filter_queryset(self, queryset):
        """The list's councils (``CouncilFacts``), from the tracker's facts held in memory
        (councils.tracker_facts): any date, filter and sort with no query while the tracker is unchanged."""
        if self.action != "list":
            return queryset
        filterset = APIFilterBackend().valid_filterset(self.request, queryset, self)
        self.facts = tracker_facts(version_of(self.request, "tracker"))
        listed, self.shown = self.facts.listed(filterset, self.as_of)
        self.listed_latest = max((council.updated_at for council in listed), default=None)
        return listed

    def get_last_modified(self):
        if self.action != "list":
            return super().get_last_modified()
        return int(self.listed_latest.timestamp()) if self.listed_latest else None

    def plain_list(self, councils):
        rows = fastlists.council_rows(councils, self.shown, as_of=self.as_of)  # the page's only
        return fastlists.council_list(rows, as_of=self.as_of, facts=self.facts)

    @extend_schema(
        summary="One council, by GSS code",
        parameters=[
            OpenApiParameter(
                "gss_code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern="^E[0-9]{8}$",
                description="The authority's ONS GSS code, e.g. E06000019 (Herefordshire).",
            )
        ],
    )
    @action(detail=False, url_path="by-gss/(?P<gss_code>E[0-9]{8})", url_name="by-gss", filter_backends=[])
    def by_gss(self, request, gss_code):
        self._object = get_object_or_404(self.get_queryset(), gss_code=gss_code)
        return Response(self.get_serializer(self._object).data)


@api_cache_page("tracker", "articles")  # sources citing an article show once it is published
@extend_schema_view(
    list=extend_schema(summary="Regional expert partnerships"),
    retrieve=extend_schema(summary="One partnership, by slug"),
)
class PartnershipViewSet(AsOfMixin, PublicReadOnlyViewSet):
    serializer_class = serializers.PartnershipSerializer
    filterset_class = PartnershipFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    last_modified_field = "updated_at"

    def get_queryset(self):
        partnerships = Partnership.objects.all() if self.as_of is None else Partnership.objects.formed_by(self.as_of)
        partnerships = partnerships.prefetch_related(current_memberships_prefetch(as_of=self.as_of), "icbs")
        # Names of another day only with as_of: today's list keeps its query budget.
        return partnerships.prefetch_related("former_names") if self.as_of else partnerships


@api_cache_page("tracker", "articles")  # sources citing an article show once it is published
@extend_schema_view(
    list=extend_schema(
        summary="Status changes: the change feed",
        description="Every recorded change of a council's pilot status, newest first. Use `since` for what changed recently.",
    ),
    retrieve=extend_schema(summary="One status change", examples=[CHANGE]),
)
class StatusChangeViewSet(PublicReadOnlyViewSet):
    queryset = StatusChange.objects.for_timeline().with_modified_at().prefetch_related("corrections")
    serializer_class = serializers.StatusChangeSerializer
    filterset_class = StatusChangeFilter
    lookup_value_regex = ID_PATTERN
    last_modified_field = "modified_at"  # a correction is a modification


@api_cache_page("tracker", "articles")  # sources citing an article show once it is published
@extend_schema_view(
    list=extend_schema(
        summary="Contracts", description="Contracts published for the programme, with their value in pounds."
    ),
    retrieve=extend_schema(summary="One contract"),
)
class ContractViewSet(PublicReadOnlyViewSet):
    queryset = Contract.objects.select_related("programme")
    serializer_class = serializers.ContractSerializer
    filterset_class = ContractFilter
    lookup_value_regex = ID_PATTERN


@api_cache_page("tracker", "articles")  # sources citing an article show once it is published
@extend_schema_view(
    list=extend_schema(summary="Key figures", description="Figures as reported, with their source and date."),
    retrieve=extend_schema(summary="One key figure"),
)
class KeyFigureViewSet(PublicReadOnlyViewSet):
    queryset = KeyFigure.objects.select_related("programme")
    serializer_class = serializers.KeyFigureSerializer
    filterset_class = KeyFigureFilter
    lookup_value_regex = ID_PATTERN
