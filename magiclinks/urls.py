from django.urls import path

from . import api, views

app_name = "magiclinks"

urlpatterns = [
    path("l/<str:token>", views.ConsentView.as_view(), name="consent"),
    path("api/links", api.create_link_view, name="api-links"),
]
