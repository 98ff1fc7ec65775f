from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Readers' email alerts"

    def ready(self):
        from . import receivers  # noqa: F401 - connects to the councils' and comments' signals
