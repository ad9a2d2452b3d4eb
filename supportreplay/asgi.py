"""ASGI entry point: HTTP through Django, websockets through Channels.

Read top to bottom: HTTP (with static files in local mode) | websocket -> router. Each websocket route
carries its own guard: the ingest socket checks the Origin against the link's target origin itself (the
customer's app is another site), the agent sockets go through SameOriginValidator (exact scheme, host and
port: supportreplay/origins.py) and the session-cookie auth stack.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportreplay.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from . import autobahn_tuning  # noqa: E402
from .routing import websocket_urlpatterns  # noqa: E402

autobahn_tuning.apply()

if settings.SERVE_STATIC:
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    http_app = ASGIStaticFilesHandler(django_asgi_app)
else:
    http_app = django_asgi_app

application = ProtocolTypeRouter({"http": http_app, "websocket": URLRouter(websocket_urlpatterns)})
