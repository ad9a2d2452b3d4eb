from django.contrib import admin
from django.urls import include, path

from .health import healthz
from .metrics import metrics_view

admin.site.site_header = "SupportReplay"
admin.site.site_title = "SupportReplay"
admin.site.index_title = "Support console"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("", include("magiclinks.urls")),
    path("", include("sessions.urls")),
    path("demo/", include("supportreplay.demo")),
]
