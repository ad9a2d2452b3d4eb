from django.apps import AppConfig


class SupportReplayConfig(AppConfig):
    name = "supportreplay"
    verbose_name = "SupportReplay"
