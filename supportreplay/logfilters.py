"""One log filter keeps link tokens out of every log line, whoever writes it.

The token is in the link's URL path (`/l/<token>`), and paths get logged where we do not control the
text: daphne's access log (written straight to a stream, not through `logging`), Django's `django.request`
logger (every 4xx/5xx answer, "Not Found: /L/<token>"), tracebacks, error mails. A mistyped or mangled
link still carries the token, so every spelling a client or a mail program can produce is redacted:
`/L/<token>` (case), `/l//<token>` and `//l/<token>` (doubled slashes), `%2F` / `%5C` / backslash for a
slash, `%6C` / `%4C` for the `l`, percent-encoded token characters, and those escapes encoded twice
(`%252F`). The rule is broad on purpose: any path segment `l` followed by anything is redacted.

`RedactSecrets` is on every handler (settings.LOGGING) and `install()` (called from magiclinks' app
config) adds it to the loggers that see paths and patches daphne's access log.
"""

from __future__ import annotations

import logging
import re

_SLASH = r"(?:/|\\|%(?:25)?2f|%(?:25)?5c)"
_ELL = r"(?:l|%(?:25)?[46]c)"
_TOKEN_CHAR = r"(?:[A-Za-z0-9_\-.~=+]|%(?:25)?[0-9a-f]{2})"
_LINK_PATH = re.compile(rf"{_SLASH}+{_ELL}{_SLASH}+{_TOKEN_CHAR}+", re.IGNORECASE)
REDACTED = "/l/[redacted]"


def redact(text: str) -> str:
    return _LINK_PATH.sub(REDACTED, text)


def contains_link_path(text: str) -> bool:
    return bool(_LINK_PATH.search(text))


class RedactSecrets(logging.Filter):
    """Rewrites a record so no handler sees a link token; it never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            trace = logging.Formatter().formatException(record.exc_info)
            if contains_link_path(trace):
                # Formatters print exc_text when it is set; the original exception is dropped.
                record.exc_text, record.exc_info = redact(trace), None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        request = getattr(record, "request", None)
        if request is not None and contains_link_path(getattr(request, "path", "") or ""):
            # Error reporters (AdminEmailHandler, Sentry) read the request from the record.
            record.request = None
        return True


_FILTER = RedactSecrets()
LOGGERS = ("django.request", "django.server", "django.channels.server", "daphne", "magiclinks", "")


def install() -> None:
    """Attach the filter to the loggers that see paths and to every root handler; patch daphne's log."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(_FILTER)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
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
