from django.apps import AppConfig

from sendtracker import cache


def _council_keys(council, adding):
    return ("tracker", f"council:{council.pk}")


def _status_change_keys(change, adding):
    return ("tracker", f"council:{change.council_id}")


def _partnership_keys(partnership, adding):
    return ("tracker", f"partnership:{partnership.pk}")


class CouncilsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "councils"

    def ready(self):
        # Every write to the tracker's tables changes "tracker"; a council's or a partnership's
        # own row also its key, which the articles that name it depend on.
        cache.watch_app(
            self,
            "tracker",
            rows={
                "Council": (_council_keys, ("council:*",)),
                "StatusChange": (_status_change_keys, ("council:*",)),
                "Partnership": (_partnership_keys, ("partnership:*",)),
            },
        )
