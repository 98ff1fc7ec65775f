"""Staff roles and their least-privilege permissions, kept in one place.

Journalists keep the tracker's facts, record status changes (add_statuschange is
what lets them move a council's status in the admin) and write articles as drafts,
but cannot publish, add corrections to articles, manage users, moderate comments
or rewrite history. Moderators work the "Your thoughts" queue only. Editors can
do all of that and publish, correct the status history (correct_statuschange;
nobody edits or deletes a StatusChange row directly) and read the admin's audit log.
"""

import re

CRUD = ("add", "change", "delete", "view")


def perms(app, model, actions):
    return [f"{app}.{action}_{model}" for action in actions]


JOURNALIST = [
    *perms("councils", "council", ("change", "view")),
    *perms("councils", "integratedcareboard", ("add", "change", "view")),
    *perms("councils", "sendinspection", CRUD),
    *perms("councils", "statuschange", ("add", "view")),
    *perms("councils", "statuschangecorrection", ("view",)),
    *perms("councils", "partnership", ("add", "change", "view")),
    # Journalists record a council leaving (the membership stays as history); editors delete mistakes.
    *perms("councils", "partnershipmembership", ("add", "change", "view")),
    *perms("councils", "programme", ("change", "view")),
    *perms("councils", "keyfigure", CRUD),
    *perms("councils", "programmeevent", CRUD),
    *perms("councils", "programmename", CRUD),
    *perms("councils", "partnershipname", CRUD),
    *perms("councils", "contract", CRUD),
    *perms("articles", "article", ("add", "change", "view")),
    *perms("articles", "correction", ("view",)),
    *perms("articles", "person", ("add", "change", "view")),
    *perms("articles", "quote", CRUD),
]

MODERATOR = [
    *perms("articles", "article", ("view",)),
    *perms("comments", "comment", ("change", "view")),
    *perms("comments", "commentreport", ("change", "view", "delete")),
    *perms("comments", "moderationword", CRUD),
]

EDITOR = sorted(
    {
        *JOURNALIST,
        *MODERATOR,
        *perms("councils", "council", CRUD),
        *perms("councils", "integratedcareboard", CRUD),
        *perms("councils", "statuschange", ("add", "view")),
        *perms("councils", "partnership", CRUD),
        *perms("councils", "partnershipmembership", CRUD),
        *perms("councils", "programme", CRUD),
        *perms("articles", "article", CRUD),
        *perms("articles", "correction", CRUD),
        *perms("articles", "person", CRUD),
        *perms("comments", "comment", CRUD),
        "councils.override_status_rules",
        "councils.correct_statuschange",
        "articles.publish_article",
        "admin.view_logentry",
        "auditlog.view_logentry",
    }
)

ROLES = {"Journalists": JOURNALIST, "Moderators": MODERATOR, "Editors": EDITOR}


def before_comments_app(roles):
    """``roles`` as the migrations before comments/0001 grant them: the comment models were in articles then.

    (comments/0001 moves their content types, and so every group's permissions, to "comments".)
    """
    return {name: [re.sub(r"^comments\.", "articles.", code) for code in codes] for name, codes in roles.items()}


def sync_roles(apps=None, *, roles=None):
    """Create the three groups and set exactly their permissions (``ROLES`` unless given; used by data migrations).

    In a migration (``apps`` given) a permission whose model a later migration adds is left
    out; that later migration syncs again. Called without ``apps``, every permission must exist.
    """
    roles = ROLES if roles is None else roles
    historical = apps is not None
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    # Content types and permissions are made after migrations; make them now. In a
    # migration the app configs have no models module, which create_permissions needs.
    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_contenttypes(app_config, verbosity=0, apps=apps)
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = original
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codes in roles.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions = permission_model.objects.filter(content_type__app_label=app_label, codename=codename)
            if historical and not permissions.exists():
                continue
            wanted.append(permissions.get())
        group.permissions.set(wanted)
