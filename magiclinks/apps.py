from django.apps import AppConfig


class MagicLinksConfig(AppConfig):
    name = "magiclinks"
    verbose_name = "Magic links and consent"
    default_auto_field = "django.db.models.BigAutoField"
