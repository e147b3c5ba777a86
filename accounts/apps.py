from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Personen und Rollen")

    def ready(self):
        post_migrate.connect(grant_buero_permissions, dispatch_uid="accounts_grant_buero_permissions")


def grant_buero_permissions(app_config, using="default", **kwargs):
    """Keep the Büro's permissions complete when later migrations add models.

    Runs after Django created the permissions of each app (its receiver is connected first).
    """
    from django.contrib.auth.models import Group, Permission

    from . import roles

    if app_config.label not in roles.BUERO_APPS:
        return

    group = Group.objects.using(using).filter(name=roles.BUERO).first()
    if group is None:
        return
    permissions = Permission.objects.using(using).filter(content_type__app_label__in=roles.BUERO_APPS)
    for app_label, codename in roles.BUERO_EXTRA:
        permissions |= Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*permissions)
