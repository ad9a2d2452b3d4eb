"""The demo shop under /demo/ (a realistic page that includes the loader). Built by the recorder issue."""

urlpatterns: list = []
