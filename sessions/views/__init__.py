"""Agent pages: the sessions list, the live view and the replay page (thin views over plain functions)."""

from django.http import HttpResponse

# The recorded page is rebuilt in an about:blank iframe, which inherits this policy: even if rrweb's
# sandbox were ever weakened, no script from a recording (inline, on*= attributes, javascript: URLs)
# may run. Images, styles and fonts of the customer's site may load so the replay looks right.
AGENT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline' https: http:",
        "img-src 'self' data: blob: https: http:",
        "font-src 'self' data: https: http:",
        "media-src 'self' blob: https: http:",
        "connect-src 'self' ws: wss:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def with_agent_headers(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = AGENT_CSP
    response["Cache-Control"] = "no-store"
    return response
