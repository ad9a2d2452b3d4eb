"""Agent pages: the sessions list, the live view and the replay page (thin views over plain functions)."""

from django.http import HttpResponse

from ..csp import agent_policy


def with_agent_headers(response: HttpResponse) -> HttpResponse:
    # Built per response: the remote-assets setting may change (tests, admin configuration).
    response["Content-Security-Policy"] = agent_policy()
    response["Cache-Control"] = "no-store"
    return response
