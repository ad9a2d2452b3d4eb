"""How every app sends its domain signals: robustly, so a failing receiver never fails the verb.

The signals themselves belong to the app whose services make them happen: `magiclinks.signals` (a link's
life) and `sessions.signals` (a recording's life).
"""

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)


def send(signal: Signal, sender, **kwargs) -> None:
    """Send robustly: a failing receiver is logged, never raised into the verb that made the change."""
    for receiver, result in signal.send_robust(sender, **kwargs):
        if isinstance(result, Exception):
            log.error("signal receiver %r failed", receiver, exc_info=result)
