from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "In-app notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from magiclinks import signals

        from .services import on_link_accepted

        signals.link_accepted.connect(on_link_accepted, dispatch_uid="notifications.link_accepted")
