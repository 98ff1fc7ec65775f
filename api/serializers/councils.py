"""What the API says about the tracker's facts. Every object carries its public page and,
where it concerns councils, the identifiers people join on: slug, GSS code, DfE LA number."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from councils.choices import PilotStatus
from councils.models import (
    Contract,
    Council,
    CouncilCareBoard,
    IntegratedCareBoard,
    KeyFigure,
    Partnership,
    PartnershipMembership,
    StatusChange,
    StatusChangeCorrection,
)

from ..fields import APIIdentityField, APIRelatedField, PageURLField, PublicSourceMixin

API_COUNCIL = "api:council-detail"
API_PARTNERSHIP = "api:partnership-detail"


class CouncilRefSerializer(serializers.ModelSerializer):
    """A council as other objects mention it: enough to join on and to follow."""

    url = APIIdentityField(view_name=API_COUNCIL, lookup_field="slug", help_text="This council in the API.")
    page_url = PageURLField()
    name = serializers.CharField(
        source="short_name", read_only=True, help_text="Name used in headlines, e.g. Herefordshire."
    )

    class Meta:
        model = Council
        fields = ["slug", "name", "gss_code", "la_number", "url", "page_url"]
        extra_kwargs = {
            "slug": {"help_text": "The council's slug, as in its page address (e.g. herefordshire)."},
            "gss_code": {"help_text": "ONS GSS code of the authority, e.g. E06000019."},
            "la_number": {
                "help_text": "Three-digit DfE LA number used in DfE statistics; null for authorities created since."
            },
        }


class ICBSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntegratedCareBoard
        fields = ["name", "code"]
        extra_kwargs = {"name": {"help_text": "Name of the NHS integrated care board."}}


class CareBoardLinkSerializer(serializers.ModelSerializer):
    """A care board the council lies in, and how much of it."""

    name = serializers.CharField(source="care_board.name", read_only=True, help_text="Name of the care board.")
    code = serializers.CharField(source="care_board.code", read_only=True, help_text="Its ONS code, e.g. E54000019.")
    is_main = serializers.BooleanField(read_only=True, help_text="Whether it covers the main part of the authority.")

    class Meta:
        model = CouncilCareBoard
        fields = ["name", "code", "is_main", "share_note"]


class CouncilMembershipSerializer(serializers.ModelSerializer):
    """A partnership the council belongs to, and its role in it."""

    slug = serializers.SlugField(source="partnership.slug", read_only=True, help_text="The partnership's slug.")
    name = serializers.CharField(source="partnership.name", read_only=True, help_text="The partnership's name.")
    role_label = serializers.CharField(
        read_only=True, help_text="“Lead council”, “Joint lead council” (two or more leads) or “Partner council”."
    )
    url = APIRelatedField(
        source="partnership",
        view_name=API_PARTNERSHIP,
        lookup_field="slug",
        read_only=True,
        help_text="The partnership in the API.",
    )

    class Meta:
        model = PartnershipMembership
        fields = ["slug", "name", "role", "role_label", "joined_on", "url"]

    def to_representation(self, membership):
        data = super().to_representation(membership)
        as_of = self.context.get("as_of")
        if as_of:
            data["name"] = membership.partnership.name_on(as_of)
        return data


class CouncilSerializer(CouncilRefSerializer):
    official_name = serializers.CharField(source="name", read_only=True, help_text="The authority's official name.")
    council_type_label = serializers.CharField(source="get_council_type_display", read_only=True)
    ofsted_judgement_label = serializers.CharField(source="get_ofsted_judgement_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    icb = ICBSerializer(
        source="main_care_board",
        read_only=True,
        allow_null=True,
        help_text="The NHS integrated care board covering the main part of the council's area, if recorded.",
    )
    care_boards = CareBoardLinkSerializer(
        source="care_board_links",
        many=True,
        read_only=True,
        help_text="Every NHS integrated care board the council's area lies in, the main part first.",
    )
    safety_valve_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="Amount of the council's safety valve agreement in pounds, if known.",
    )
    status_as_of = serializers.SerializerMethodField(
        help_text="With `?as_of=`: the council's pilot status as it stood at the end of that date; otherwise null."
    )
    status_effective_as_of = serializers.SerializerMethodField(
        help_text="With `?as_of=`: when that status took effect; otherwise null."
    )
    partnerships = CouncilMembershipSerializer(
        source="partnership_memberships",
        many=True,
        read_only=True,
        help_text="Partnerships the council belongs to today (or on `as_of`).",
    )

    class Meta(CouncilRefSerializer.Meta):
        fields = [
            *CouncilRefSerializer.Meta.fields,
            "official_name",
            "code",
            "region",
            "council_type",
            "council_type_label",
            "population",
            "latitude",
            "longitude",
            "status",
            "status_label",
            "status_effective_on",
            "status_as_of",
            "status_effective_as_of",
            "ofsted_judgement",
            "ofsted_judgement_label",
            "ofsted_judgement_on",
            "in_safety_valve",
            "safety_valve_amount",
            "icb",
            "care_boards",
            "partnerships",
            "updated_at",
        ]
        extra_kwargs = {
            **CouncilRefSerializer.Meta.extra_kwargs,
            "code": {"help_text": "Three-letter register code, e.g. HEF."},
            "region": {"help_text": "English region."},
            "population": {"help_text": "Population, 2020 estimate."},
            "status": {"help_text": "The council's current pilot status."},
            "status_effective_on": {"help_text": "When the current status took effect."},
            "updated_at": {"help_text": "When the council's record last changed."},
        }

    @extend_schema_field(serializers.ChoiceField(choices=PilotStatus.choices, allow_null=True))
    def get_status_as_of(self, council):
        return getattr(council, "status_as_of", None)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_status_effective_as_of(self, council):
        value = getattr(council, "status_effective_as_of", None)
        return value.isoformat() if value else None


class PartnershipRefSerializer(serializers.ModelSerializer):
    url = APIIdentityField(view_name=API_PARTNERSHIP, lookup_field="slug", help_text="This partnership in the API.")
    page_url = PageURLField()

    class Meta:
        model = Partnership
        fields = ["slug", "name", "url", "page_url"]


class MemberSerializer(PublicSourceMixin, serializers.ModelSerializer):
    """A council in a partnership."""

    council = CouncilRefSerializer(read_only=True)
    role_label = serializers.CharField(
        read_only=True, help_text="“Lead council”, “Joint lead council” (two or more leads) or “Partner council”."
    )

    class Meta:
        model = PartnershipMembership
        fields = ["council", "role", "role_label", "joined_on", "source_url"]


class PartnershipSerializer(PublicSourceMixin, PartnershipRefSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    leads = CouncilRefSerializer(
        many=True, read_only=True, help_text="The council(s) leading the partnership; two or more are joint leads."
    )
    partners = CouncilRefSerializer(many=True, read_only=True, help_text="The partner councils.")
    members = MemberSerializer(
        many=True, read_only=True, help_text="Every member council today (or on `as_of`), leads included."
    )
    icbs = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", help_text="NHS integrated care boards the partnership spans."
    )

    class Meta(PartnershipRefSerializer.Meta):
        fields = [
            *PartnershipRefSerializer.Meta.fields,
            "status",
            "status_label",
            "region",
            "leads",
            "partners",
            "members",
            "icbs",
            "launched_on",
            "note",
            "source_url",
            "updated_at",
        ]

    def to_representation(self, partnership):
        data = super().to_representation(partnership)
        as_of = self.context.get("as_of")
        if as_of:
            data["name"] = partnership.name_on(as_of)
        return data


class CorrectionNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusChangeCorrection
        fields = ["corrected_at", "reason"]


class StatusChangeSerializer(PublicSourceMixin, serializers.ModelSerializer):
    url = APIIdentityField(view_name="api:statuschange-detail", help_text="This change in the API.")
    page_url = PageURLField(help_text="The change on the council's public timeline (absolute URL).")
    council = CouncilRefSerializer(read_only=True)
    from_status_label = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status_label = serializers.CharField(source="get_to_status_display", read_only=True)
    corrections = CorrectionNoteSerializer(
        many=True, read_only=True, help_text="Editors' corrections to this record, if any."
    )

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "url",
            "page_url",
            "council",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "effective_on",
            "recorded_at",
            "note",
            "source_url",
            "source_title",
            "corrections",
        ]
        extra_kwargs = {
            "from_status": {"help_text": "The council's status before the change."},
            "to_status": {"help_text": "The council's status after the change."},
            "recorded_at": {"help_text": "When the newsroom recorded the change."},
        }


class ContractSerializer(PublicSourceMixin, serializers.ModelSerializer):
    url = APIIdentityField(view_name="api:contract-detail", help_text="This contract in the API.")
    page_url = PageURLField()
    value = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, read_only=True, help_text="Value in pounds (GBP)."
    )
    programme = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The programme's slug, if any."
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "url",
            "page_url",
            "role",
            "supplier",
            "buyer",
            "value",
            "starts_on",
            "ends_on",
            "term",
            "published_on",
            "reference",
            "source_url",
            "notes",
            "programme",
        ]


class KeyFigureSerializer(PublicSourceMixin, serializers.ModelSerializer):
    url = APIIdentityField(view_name="api:keyfigure-detail", help_text="This figure in the API.")
    page_url = PageURLField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False, read_only=True)
    display_value = serializers.CharField(read_only=True, help_text="The value as the site shows it, e.g. £70,000,000.")
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The programme's slug.")

    class Meta:
        model = KeyFigure
        fields = [
            "id",
            "url",
            "page_url",
            "key",
            "label",
            "value",
            "unit",
            "display_value",
            "reported_on",
            "source_url",
            "source_title",
            "note",
            "programme",
        ]
