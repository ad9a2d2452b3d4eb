from django.urls import path

from . import asset_views, data_views
from .exports import views as export_views
from .repro import exports as repro_exports
from .repro import views as repro_views
from .views import list as list_views
from .views import live as live_views
from .views import replay as replay_views

app_name = "recordings"

urlpatterns: list = [
    # Agent pages (live view / replay UI engineer).
    path("sessions/", list_views.session_list, name="list"),
    path("sessions/rows.json", list_views.session_rows, name="list-rows"),
    path("sessions/<uuid:session_id>/", replay_views.replay_page, name="replay"),
    path("sessions/<uuid:session_id>/live", live_views.live_page, name="live"),
    # Replay data API and exports (archive engineer).
    path("sessions/<uuid:session_id>/data/manifest", data_views.manifest, name="replay-data-manifest"),
    path("sessions/<uuid:session_id>/data/chunks/<int:index>", data_views.chunk, name="replay-data-chunk"),
    path("sessions/<uuid:session_id>/assets/<str:sha256>", asset_views.asset, name="asset"),
    path("sessions/<uuid:session_id>/data/steps", repro_views.steps_json, name="replay-data-steps"),
    path("sessions/<uuid:session_id>/export/events.json", export_views.events_json, name="export-events"),
    path("sessions/<uuid:session_id>/export/network.har", export_views.network_har, name="export-har"),
    path("sessions/<uuid:session_id>/export/report.md", export_views.report_md, name="export-report"),
    path("sessions/<uuid:session_id>/export/replay.html", repro_exports.replay_html, name="export-html"),
    path("sessions/<uuid:session_id>/export/playwright.zip", repro_exports.playwright_zip, name="export-pw"),
]
