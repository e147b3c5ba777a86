from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the site: health check, backups and restores."""

    name = "operations"
    verbose_name = _("Betrieb")
