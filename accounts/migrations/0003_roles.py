"""Create the two role groups and give them their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts import roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so
    # the groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    roles.sync_role_groups(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), using=schema_editor.connection.alias
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[roles.BUERO, roles.REPORTING]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership"),
        ("measures", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
