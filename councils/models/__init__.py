"""The tracker's facts: councils and their care boards, status history, partnerships, the programme and its money."""

from .councils import (
    AS_OF_CHANGE,
    Council,
    CouncilCareBoard,
    CouncilQuerySet,
    IntegratedCareBoard,
    SendInspection,
    StatusChange,
    StatusChangeCorrection,
    StatusChangeQuerySet,
)
from .partnership_events import PartnershipEvent, PartnershipEventQuerySet
from .partnerships import (
    Partnership,
    PartnershipMembership,
    PartnershipMembershipQuerySet,
    PartnershipQuerySet,
    in_force_on,
)
from .programme import (
    Contract,
    ContractQuerySet,
    KeyFigure,
    PartnershipName,
    Programme,
    ProgrammeEvent,
    ProgrammeName,
    ProgrammeQuerySet,
)

__all__ = [
    "AS_OF_CHANGE",
    "Contract",
    "ContractQuerySet",
    "Council",
    "CouncilCareBoard",
    "CouncilQuerySet",
    "IntegratedCareBoard",
    "KeyFigure",
    "Partnership",
    "PartnershipEvent",
    "PartnershipEventQuerySet",
    "PartnershipMembership",
    "PartnershipName",
    "PartnershipMembershipQuerySet",
    "PartnershipQuerySet",
    "Programme",
    "ProgrammeEvent",
    "ProgrammeName",
    "ProgrammeQuerySet",
    "SendInspection",
    "StatusChange",
    "StatusChangeCorrection",
    "StatusChangeQuerySet",
    "in_force_on",
]
