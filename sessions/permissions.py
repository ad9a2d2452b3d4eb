"""Who may use the agent pages: logged-in users holding `recordings.watch_recordingsession`.

Not logged in -> redirect to the admin login with `next`; logged in without the permission -> 403. The
watch socket applies the same rule with close codes (4401 / 4403).
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

WATCH_PERMISSION = "recordings.watch_recordingsession"
EXPORT_PERMISSION = "recordings.export_recordingsession"


def can_watch(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(WATCH_PERMISSION))


def permission_required(perm: str) -> Callable:
    """Login (redirect to the admin login) then `perm` (403): the rule every agent endpoint follows."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


agent_required = permission_required(WATCH_PERMISSION)
