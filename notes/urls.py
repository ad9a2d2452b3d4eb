from django.urls import path

from . import views

urlpatterns = [path("sessions/<uuid:session_id>/notes", views.notes_api, name="session-notes")]
