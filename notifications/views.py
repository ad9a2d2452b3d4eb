"""`GET /notifications/poll?after=<id>`: the signed-in agent's newer notifications (JSON, read-only)."""

from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from sessions.permissions import agent_required

from .services import newer_than


@require_GET
@agent_required
def poll(request: HttpRequest) -> JsonResponse:
    raw = request.GET.get("after", "")
    after = int(raw) if raw.isdigit() else None
    response = JsonResponse(newer_than(request.user, after))
    patch_cache_control(response, private=True, no_store=True)
    return response
