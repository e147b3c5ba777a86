from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Personen und Rollen")

    def ready(self):
        post_migrate.connect(_sync_role_groups, dispatch_uid="accounts_sync_role_groups")


def _sync_role_groups(app_config, using="default", **kwargs):
    """Keep the role groups whole when later migrations add models, and after a flush.

    Runs after Django created the permissions of each app (its receiver is connected first).
    """
    from django.contrib.auth.models import Group, Permission

    from . import roles

    if app_config.label in roles.BUERO_APPS:
        roles.sync_role_groups(Group, Permission, using=using)
