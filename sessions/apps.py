from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecordingsConfig(AppConfig):
    # The folder is `sessions/` (design card) but the label must differ from django.contrib.sessions.
    name = "sessions"
    label = "recordings"
    verbose_name = "Recordings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import agent_access, conf, receivers  # noqa: F401  (conf registers the settings check)
        from .agent_group import on_post_migrate

        # After auth's own post_migrate handler has created the permissions (it is registered first).
        post_migrate.connect(on_post_migrate, dispatch_uid="recordings.agent_group")
        agent_access.connect_signals()
        receivers.connect()
