"""Log output: a JSON-lines formatter (LOG_FORMAT=json) and the quiet treatment of bad Host headers."""

import json
import logging
from datetime import UTC, datetime

from django.utils.log import AdminEmailHandler

from .logfilters import redact


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (already redacted by the handler's filter),
    and the exception text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class QuietDisallowedHost(logging.Filter):
    """Django reports a Host header outside ALLOWED_HOSTS as an ERROR with a traceback; it is a client's
    mistake (or a scanner), so it becomes one WARNING line. The host is cut short: it is client input."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.msg, record.args = "request refused: Host header not in ALLOWED_HOSTS (HTTP 400)", ()
        return True


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Django's error mail to ADMINS, with link tokens cut from the subject *and* the body: the body quotes
    the request (URL, META, traceback locals), which the log-record filter never sees."""

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = redact(kwargs["html_message"])
        super().send_mail(redact(subject), redact(message), *args, **kwargs)
