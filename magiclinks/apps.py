from django.apps import AppConfig


class MagicLinksConfig(AppConfig):
    name = "magiclinks"
    verbose_name = "Magic links and consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Logging is configured before apps are readied, and daphne builds its access logger after it
        # has imported the application: both are in place to be redacted now.
        from supportreplay.logfilters import install

        from . import checks  # noqa: F401  (registers the system checks)

        install()
