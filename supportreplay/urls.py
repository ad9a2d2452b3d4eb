from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import health
from .consent_view import ConsentView
from .install.views import install_page
from .metrics import metrics_view

admin.site.site_header = "SupportReplay"
admin.site.site_title = "SupportReplay"
admin.site.index_title = "Support console"

urlpatterns = [
    path("healthz", health.ready, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("healthz/ready", health.ready, name="healthz-ready"),
    path("metrics", metrics_view, name="metrics"),
    path("install/", install_page, name="install"),
    path("admin/", admin.site.urls),
    path("l/<str:token>", ConsentView.as_view(), name="consent"),
    path("", include("magiclinks.urls")),
    path("", include("sessions.urls")),
    path("", include("notifications.urls")),
    path("", include("notes.urls")),
]
if settings.SUPPORTREPLAY_DEMO:
    # The Brew & Co. demo shop (a page to record, with a deliberately failing API): off in production.
    urlpatterns.append(path("demo/", include("supportreplay.demo")))
