"""Create the "Support agent" group: create links, view and watch sessions, export recordings."""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Support agent"
PERMISSIONS = [
    ("magiclinks", "add_magiclink"),
    ("magiclinks", "view_magiclink"),
    ("magiclinks", "change_magiclink"),
    ("magiclinks", "view_consentrecord"),
    ("magiclinks", "view_auditevent"),
    ("recordings", "view_recordingsession"),
    ("recordings", "watch_recordingsession"),
    ("recordings", "export_recordingsession"),
    ("recordings", "view_sessionarchive"),
]


def create_group(apps: Apps, schema_editor) -> None:
    # Permissions are normally created after all migrations; create them now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_group(apps: Apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recordings", "0001_initial"),
        ("magiclinks", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, remove_group)]
