"""Choices for the tracker's facts, and the one place that says which status moves are allowed."""

from django.db import models

# Labels of the facts below are display text, not rules: mutation testing skips them (docs/testing.md).
# nomut: start


class Region(models.TextChoices):
    NORTH_EAST = "North East", "North East"
    NORTH_WEST = "North West", "North West"
    YORKSHIRE = "Yorkshire and The Humber", "Yorkshire and The Humber"
    EAST_MIDLANDS = "East Midlands", "East Midlands"
    WEST_MIDLANDS = "West Midlands", "West Midlands"
    EAST = "East of England", "East of England"
    LONDON = "London", "London"
    SOUTH_EAST = "South East", "South East"
    SOUTH_WEST = "South West", "South West"


class CouncilType(models.TextChoices):
    UNITARY = "UA", "Unitary authority"
    METROPOLITAN = "MD", "Metropolitan district"
    LONDON_BOROUGH = "LBO", "London borough"
    COUNTY = "CTY", "County council"
    CITY_CORPORATION = "CC", "City corporation"


class OfstedJudgement(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_INSPECTED = "not_inspected", "Not yet inspected"


class SendInspectionOutcome(models.TextChoices):
    # Framework used until 2022.
    SIGNIFICANT_WEAKNESSES = "significant_weaknesses", "Significant weaknesses (written statement of action)"
    NO_SIGNIFICANT_WEAKNESSES = "no_significant_weaknesses", "No written statement of action"
    SUFFICIENT_PROGRESS = "sufficient_progress", "Revisit: sufficient progress"
    INSUFFICIENT_PROGRESS = "insufficient_progress", "Revisit: not sufficient progress"
    # Framework used since 2023.
    POSITIVE = "positive", "Positive experiences and outcomes"
    INCONSISTENT = "inconsistent", "Inconsistent experiences and outcomes"
    SYSTEMIC_FAILINGS = "systemic_failings", "Widespread and/or systemic failings"


# nomut: end


class PilotStatus(models.TextChoices):
    NOT_SHORTLISTED = "not_shortlisted", "Not shortlisted"
    SHORTLISTED = "shortlisted", "Shortlisted"
    CONSIDERING = "considering", "Considering"
    EOI_SUBMITTED = "eoi_submitted", "Expression of interest submitted"
    DECLINED = "declined", "Declined"
    CONFIRMED_LEAD = "confirmed_lead", "Confirmed as lead"
    PARTNER = "partner", "Partner council"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The statuses that count as "in the pilot" on the tracker's default view.
IN_PILOT_STATUSES = tuple(s for s in PilotStatus if s != PilotStatus.NOT_SHORTLISTED)

# Which moves a journalist may record. Anything else needs an editor's override,
# e.g. a council that declined cannot quietly become "shortlisted" again.
#
# The real story needs these (DfE announcement of 23 August 2023, see
# councils/data/README.md):
# - declined → partner: Herefordshire declined to lead in May 2023, then joined Telford
#   and Wrekin's partnership as a partner;
# - considering → partner: Brighton and Hove was considering with NHS colleagues, then
#   joined Portsmouth's partnership as a partner;
# - not shortlisted → confirmed as lead: the DfE never published its shortlist of 20, so
#   most of the nine leads were first named by the tracker on the day they were confirmed
#   (e.g. Bedford, Wakefield).
ALLOWED_TRANSITIONS = {
    PilotStatus.NOT_SHORTLISTED: {PilotStatus.SHORTLISTED, PilotStatus.CONFIRMED_LEAD, PilotStatus.PARTNER},
    PilotStatus.SHORTLISTED: {
        PilotStatus.CONSIDERING,
        PilotStatus.EOI_SUBMITTED,
        PilotStatus.DECLINED,
        PilotStatus.CONFIRMED_LEAD,
        PilotStatus.PARTNER,
        PilotStatus.WITHDRAWN,
    },
    PilotStatus.CONSIDERING: {
        PilotStatus.EOI_SUBMITTED,
        PilotStatus.DECLINED,
        PilotStatus.CONFIRMED_LEAD,
        PilotStatus.PARTNER,
        PilotStatus.WITHDRAWN,
    },
    PilotStatus.EOI_SUBMITTED: {
        PilotStatus.CONFIRMED_LEAD,
        PilotStatus.DECLINED,
        PilotStatus.PARTNER,
        PilotStatus.WITHDRAWN,
    },
    PilotStatus.DECLINED: {PilotStatus.PARTNER},
    PilotStatus.CONFIRMED_LEAD: {PilotStatus.WITHDRAWN},
    PilotStatus.PARTNER: {PilotStatus.WITHDRAWN},
    PilotStatus.WITHDRAWN: set(),
}


def is_allowed_transition(from_status, to_status):
    return to_status in ALLOWED_TRANSITIONS.get(PilotStatus(from_status), set())


# nomut: start


class PartnershipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    LAUNCHED = "launched", "Launched"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MembershipRole(models.TextChoices):
    """A council's role in a partnership. Two or more leads are joint leads ("Joint lead council")."""

    LEAD = "lead", "Lead council"
    PARTNER = "partner", "Partner council"


class ProgrammeNameOf(models.TextChoices):
    """What an earlier name of the programme named: the programme itself, or its partnerships together."""

    PROGRAMME = "programme", "The programme"
    PARTNERSHIPS = "partnerships", "Its partnerships"


class DatePrecision(models.TextChoices):
    """How much of a reported date is known: an event dated only "September 2023" is month-precise."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
