"""Log filters: secrets never reach a log line.

Django logs the path of every 4xx/5xx answer ("Gone: /l/<token>"), and a link path carries the token
itself. This filter, on every handler, rewrites such paths before anything is written.
"""

import logging
import re

_LINK_PATH = re.compile(r"/l/[A-Za-z0-9_\-]{8,}")


def redact(text: str) -> str:
    return _LINK_PATH.sub("/l/[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
