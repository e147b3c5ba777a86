"""The two roles, as auth groups created by a data migration.

The names are data shared with migrations and tests; change them only with a migration.
"""

BUERO = "Büro"
REPORTING = "Berichterstattung"

# Permissions (app_label, codename) each role holds. The Büro manages everything in the
# two apps plus users and groups; reporters read the catalogue and write status updates.
# Row-level limits for reporters (their own units' measures) are the QuerySet methods
# visible_to / editable_by in measures.models, which every staff page goes through.
BUERO_APPS = ("measures", "accounts")
BUERO_EXTRA = [("auth", "view_group")]
REPORTING_PERMISSIONS = [
    ("measures", "view_concept"),
    ("measures", "view_measure"),
    ("measures", "view_responsibleunit"),
    ("measures", "view_statusupdate"),
    ("measures", "add_statusupdate"),
    ("measures", "change_statusupdate"),
]


def sync_role_groups(group_model, permission_model, using="default"):
    """Create both role groups if missing and give them all their permissions.

    Takes the model classes so that the data migration can pass its historical models.
    """
    permissions = permission_model.objects.using(using)
    buero, _created = group_model.objects.using(using).get_or_create(name=BUERO)
    buero_permissions = permissions.filter(content_type__app_label__in=BUERO_APPS)
    for app_label, codename in BUERO_EXTRA:
        buero_permissions |= permissions.filter(content_type__app_label=app_label, codename=codename)
    buero.permissions.add(*buero_permissions)

    reporting, _created = group_model.objects.using(using).get_or_create(name=REPORTING)
    for app_label, codename in REPORTING_PERMISSIONS:
        reporting.permissions.add(*permissions.filter(content_type__app_label=app_label, codename=codename))
