"""The "Support agent" group and its permissions.

Created by a data migration for real databases, and again after every `flush` (post_migrate), because a
transactional test flushes the database and would otherwise leave the product without its agent group.
"""

from supportreplay.roles import AGENT_GROUP_NAME as GROUP_NAME

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


def ensure_group(group_model, permission_model) -> None:
    group, _ = group_model.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        permission = permission_model.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)


def on_post_migrate(sender, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    ensure_group(Group, Permission)
