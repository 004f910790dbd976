from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    """The project's own tables: the working-day calendar, the outbox, the roles."""

    name = "fulfilment"
    verbose_name = _("Fulfilment")

    def ready(self) -> None:
        from fulfilment import sqlite

        sqlite.install()
