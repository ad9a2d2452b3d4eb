"""Keep link tokens out of every log line, whoever writes it.

The token is in the URL path (`/l/<token>`), and paths get logged in two places we do not control:
daphne's access log (written straight to stdout, not through `logging`) and Django's `django.request`
logger (every 4xx/5xx response and every unhandled exception, with the path). Both are redacted here,
at start-up, so running daphne with its defaults is safe.
"""

import logging
import re

_LINK_PATH = re.compile(r"/l/[^\s\"'?#/]+")
REDACTED = "/l/[redacted]"


def redact(text: str) -> str:
    return _LINK_PATH.sub(REDACTED, text)


class RedactLinkTokens(logging.Filter):
    """Rewrites a record's message so no handler ever sees a token (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        request = getattr(record, "request", None)
        if request is not None and _LINK_PATH.search(getattr(request, "path", "")):
            # Error reporters (AdminEmailHandler, Sentry) read the request from the record.
            record.request = None
        return True


_FILTER = RedactLinkTokens()
LOGGERS = ("django.request", "django.server", "django.channels.server", "daphne", "magiclinks", "")


def install() -> None:
    """Attach the filter to the loggers that see paths and to every root handler; patch daphne's log."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    _patch_daphne_access_log()


def _patch_daphne_access_log() -> None:
    try:
        from daphne.access import AccessLogGenerator
    except ImportError:
        return
    if getattr(AccessLogGenerator, "_sr_redacted", False):
        return
    original = AccessLogGenerator.write_entry

    def write_entry(self, host, date, request, *args, **kwargs):
        return original(self, host, date, redact(request), *args, **kwargs)

    AccessLogGenerator.write_entry = write_entry
    AccessLogGenerator._sr_redacted = True
