from django.urls import path

from . import api

app_name = "magiclinks"

# The consent URL (`l/<token>`, name "consent") is supportreplay.urls: accepting opens a recording.

urlpatterns = [
    path("api/links", api.create_link_view, name="api-links"),
]
