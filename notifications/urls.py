from django.urls import path

from . import views

urlpatterns = [path("notifications/poll", views.poll, name="notifications-poll")]
