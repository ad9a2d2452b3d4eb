"""`POST /api/links`: helpdesks create a link with an agent's API token. JSON in, JSON out.

CSRF-exempt because it takes no cookies: it authenticates only by `Authorization: Bearer <token>`, which
a cross-site form cannot send.
"""

import json
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from supportreplay import audit

from . import apitokens, services
from .ratelimit import allow_link_request

STRING_FIELDS = ("customer_name", "customer_email", "ticket_ref", "ticket_url", "note")
BOOL_FIELDS = (
    "capture_console",
    "capture_network",
    "capture_network_bodies",
    "mask_all_text",
    "capture_assets",
)
ALL_FIELDS = {"target_url", "expires", "max_sessions", *STRING_FIELDS, *BOOL_FIELDS}
MAX_BODY = 16 * 1024


def error(status: int, code: str, detail: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": detail, **extra}, status=status)
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="supportreplay"'
    return response


class BadRequest(Exception):
    def __init__(self, detail: str, fields: dict | None = None) -> None:
        super().__init__(detail)
        self.detail, self.fields = detail, fields or {}


def parse_body(request: HttpRequest) -> dict:
    """The JSON object of the request, type-checked field by field (BadRequest otherwise)."""
    if len(request.body) > MAX_BODY:
        raise BadRequest("The request body is too large.")
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("Send a JSON object.")
    fields: dict[str, list[str]] = {}
    for name in sorted(set(data) - ALL_FIELDS):
        fields[name] = ["Unknown field."]
    if not isinstance(data.get("target_url"), str) or not data.get("target_url"):
        fields["target_url"] = ["This field is required (a string)."]
    for name in (*STRING_FIELDS, "expires"):
        if name in data and not isinstance(data[name], str):
            fields[name] = ["Must be a string."]
    for name in BOOL_FIELDS:
        if name in data and not isinstance(data[name], bool):
            fields[name] = ["Must be true or false."]
    if "max_sessions" in data and (type(data["max_sessions"]) is not int):
        fields["max_sessions"] = ["Must be an integer."]
    if fields:
        raise BadRequest("Some fields are invalid.", fields)
    return data


def _expires_in(data: dict) -> timedelta | None:
    if "expires" not in data:
        return None
    try:
        return services.parse_duration(data["expires"])
    except ValidationError as exc:
        raise BadRequest("Some fields are invalid.", {"expires": exc.messages}) from None


@csrf_exempt
def create_link_view(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = error(405, "method_not_allowed", "Use POST.")
        response.headers["Allow"] = "POST"
        return response
    if not allow_link_request(audit.client_ip(request), scope="api"):
        return error(429, "rate_limited", "Too many requests; try again in a minute.")
    user = apitokens.authenticate(apitokens.bearer_value(request.headers.get("Authorization", "")))
    if user is None:
        return error(401, "unauthorized", "Send a valid agent API token as 'Authorization: Bearer <token>'.")
    if not user.has_perm("magiclinks.add_magiclink"):
        return error(403, "forbidden", "This agent may not create links.")
    try:
        data = parse_body(request)
        expires_in = _expires_in(data)
        fields = {k: data[k] for k in (*STRING_FIELDS, *BOOL_FIELDS, "max_sessions") if k in data}
        created = services.create_link(
            user,
            target_url=data["target_url"],
            expires_in=expires_in,
            site_origin=f"{request.scheme}://{request.get_host()}",
            ip=audit.client_ip(request),
            **fields,
        )
    except BadRequest as exc:
        return error(400, "invalid", exc.detail, fields=exc.fields)
    except ValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return error(400, "invalid", "Some fields are invalid.", fields=detail)
    link = created.link
    response = JsonResponse(
        {
            "id": link.pk,
            "url": created.url(services.public_base(request)),
            "expires_at": link.expires_at.isoformat(),
            "max_sessions": link.max_sessions,
            "last4": link.token_last4,
        },
        status=201,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
