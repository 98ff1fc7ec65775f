"""The audit log's reach: which models django-auditlog records, field by field, old → new.

Registered by name in SendTrackerConfig.ready(), so the project imports no app's models here.
Readers' comments are not registered: a reader's words, name, email and address never enter
the log (erasure must leave no copy behind). comments.services records each moderation and
erasure itself, old → new status and reason, naming the comment by number and article.

A management command has no request, so no actor: ``made_by`` (used by every data-changing
command, through sendtracker.commands.AuditedCommand) names the user ``--by`` gives and the
command itself in each entry it writes.
"""

from contextlib import contextmanager

from auditlog.context import set_extra_data
from auditlog.registry import auditlog
from django.apps import apps

# Timestamps that change on every save say nothing a reader of the log needs.
NOISE = ["created_at", "updated_at"]

# (app label, model name, registration options)
AUDITED = [
    ("councils", "Council", {"exclude_fields": NOISE}),
    ("councils", "StatusChange", {}),
    ("councils", "StatusChangeCorrection", {}),
    ("councils", "Partnership", {"exclude_fields": NOISE}),
    ("councils", "PartnershipMembership", {}),
    ("councils", "PartnershipEvent", {"m2m_fields": {"councils"}}),
    ("councils", "Programme", {}),
    ("councils", "ProgrammeName", {}),
    ("councils", "PartnershipName", {}),
    ("councils", "ProgrammeEvent", {}),
    ("councils", "KeyFigure", {}),
    ("councils", "Contract", {}),
    ("councils", "IntegratedCareBoard", {}),
    ("councils", "CouncilCareBoard", {}),
    ("councils", "SendInspection", {}),
    ("articles", "Article", {"exclude_fields": NOISE, "m2m_fields": {"councils", "partnerships"}}),
    ("articles", "Correction", {}),
    ("articles", "Person", {}),
    ("articles", "Quote", {}),
    ("comments", "ModerationWord", {}),
    ("auth", "User", {"exclude_fields": ["password", "last_login"], "m2m_fields": {"groups", "user_permissions"}}),
    ("auth", "Group", {"m2m_fields": {"permissions"}}),
]


def register_audited_models():
    for app_label, model_name, options in AUDITED:
        model = apps.get_model(app_label, model_name)
        if not auditlog.contains(model):
            auditlog.register(model, **options)


# Where a change came from, when not from a person in the admin: kept in each entry's additional data.
VIA = "via"


@contextmanager
def made_by(source, user=None):
    """Every audit entry written inside names ``user`` as its actor (if given) and ``source``
    (e.g. "import_statuses command") as where the change came from."""
    with set_extra_data({"actor": user, "additional_data": {VIA: source}}):
        yield


def made_via(entry):
    """What made ``entry`` when it was not the admin: "import_statuses command", or ""."""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    return data.get(VIA, "")
