"""The two roles, as auth groups created by a data migration.

The names are data shared with migrations and tests; change them only with a migration.
"""

BUERO = "Büro"
REPORTING = "Berichterstattung"

# Permissions (app_label, codename) each role holds. The Büro manages everything in the
# two apps plus users and groups; reporters read the catalogue and write status updates.
# Row-level limits for reporters (their own units' measures) are enforced by the views.
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
