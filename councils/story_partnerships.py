"""The nine partnerships named on 23 August 2023, built through the partnership services.

Kept apart from councils/story_updates.py, which records statuses, the rename and events:
this module builds partnerships through councils.partnerships, so every rule and warning a
journalist's admin runs applies to the loader too. The councils' statuses are recorded by story_updates through council_set_status, so
members are added here without a status change (``new_status`` stays None).

Each partnership is created under the name it had that day ("West Midlands regional
expert partnership") and renamed on 5 October 2023 with the programme's rename and its
source, so its pages as of an earlier date read the old name. What already exists (a
partnership with the slug, a council's membership) is left as it is: running it again
changes nothing.
"""

from django.db import transaction
from django.utils.text import slugify

from .choices import MembershipRole, PartnershipStatus, ProgrammeNameOf
from .models import Partnership, Programme
from .partnerships import partnership_add_member, partnership_create, partnership_warnings
from .services import partnership_rename
from .story_updates import ANNOUNCED_ON, RENAMED_ON, name_before_rename, partnerships_in


@transaction.atomic
def load_partnerships(rows, *, by):
    """Create the partnerships in ``rows`` (story_updates.read_partnership_rows) with their members.

    Run after story_updates.load_story_updates, which records the rename this takes its source
    from. Returns the warnings partnership_warnings gives, each naming its partnership.
    """
    programme = Programme.objects.current()
    rename = programme.former_names.get(of=ProgrammeNameOf.PARTNERSHIPS, replaced_on=RENAMED_ON)
    warnings = []
    for name, members in partnerships_in(rows).items():
        region = members[0].region
        partnership = Partnership.objects.filter(slug=slugify(region.value)).first()
        if partnership is None:
            partnership = partnership_create(
                programme=programme,
                name=name_before_rename(name),
                slug=slugify(region.value),
                region=region,
                status=PartnershipStatus.CONFIRMED,
                source_url=members[0].source_url,
                by=by,
            )
        if partnership.name != name and not partnership.former_names.filter(replaced_on=RENAMED_ON).exists():
            partnership_rename(
                partnership=partnership,
                name=name,
                changed_on=RENAMED_ON,
                source_url=rename.source_url,
                source_title=rename.source_title,
            )
        present = set(partnership.memberships.values_list("council_id", flat=True))
        for row in members:
            if row.council.pk in present:
                continue
            partnership_add_member(
                partnership=partnership,
                council=row.council,
                role=MembershipRole.LEAD if row.is_lead else MembershipRole.PARTNER,
                joined_on=ANNOUNCED_ON,
                source_url=row.source_url,
                by=by,
            )
        warnings += [f"{partnership}: {warning}" for warning in partnership_warnings(partnership)]
    return warnings
