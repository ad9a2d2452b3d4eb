from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    # The folder is `sessions/` (design card) but the label must differ from django.contrib.sessions.
    name = "sessions"
    label = "recordings"
    verbose_name = "Recordings"
    default_auto_field = "django.db.models.BigAutoField"
