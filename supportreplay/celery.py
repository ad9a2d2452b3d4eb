"""The Celery app: the same Redis as the product (broker), tasks discovered in the apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportreplay.settings")

app = Celery("supportreplay")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
