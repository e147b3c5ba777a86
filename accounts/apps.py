from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Personen und Rollen")

    def ready(self):
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts_sync_role_groups")


def sync_role_groups(app_config, using="default", **kwargs):
    """Keep both role groups and their permissions complete.

    The groups are created by a data migration; this keeps them whole when later migrations
    add models, and after a database flush. Runs after Django created the permissions of
    each app (its receiver is connected first).
    """
    from django.contrib.auth.models import Group, Permission

    from . import roles

    if app_config.label not in roles.BUERO_APPS:
        return
    permissions = Permission.objects.using(using)
    buero, _created = Group.objects.using(using).get_or_create(name=roles.BUERO)
    buero_permissions = permissions.filter(content_type__app_label__in=roles.BUERO_APPS)
    for app_label, codename in roles.BUERO_EXTRA:
        buero_permissions |= permissions.filter(content_type__app_label=app_label, codename=codename)
    buero.permissions.add(*buero_permissions)

    reporting, _created = Group.objects.using(using).get_or_create(name=roles.REPORTING)
    for app_label, codename in roles.REPORTING_PERMISSIONS:
        reporting.permissions.add(*permissions.filter(content_type__app_label=app_label, codename=codename))
