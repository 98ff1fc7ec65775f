"""The tracker's facts: councils and their care boards, status history, partnerships, the programme and its money."""

from .councils import (
    Council,
    CouncilCareBoard,
    CouncilQuerySet,
    IntegratedCareBoard,
    SendInspection,
    StatusChange,
    StatusChangeCorrection,
    StatusChangeQuerySet,
)
from .partnerships import Partnership, PartnershipMembership, PartnershipMembershipQuerySet, PartnershipQuerySet
from .programme import Contract, ContractQuerySet, KeyFigure, Programme

__all__ = [
    "Contract",
    "ContractQuerySet",
    "Council",
    "CouncilCareBoard",
    "CouncilQuerySet",
    "IntegratedCareBoard",
    "KeyFigure",
    "Partnership",
    "PartnershipMembership",
    "PartnershipMembershipQuerySet",
    "PartnershipQuerySet",
    "Programme",
    "SendInspection",
    "StatusChange",
    "StatusChangeCorrection",
    "StatusChangeQuerySet",
]
