"""Server-side redaction of stored events: defence in depth behind the recorder's own masking.

Whatever a recorder sends (old, buggy or hostile), ingest passes every batch through `redact_events`
before it reaches Redis, so the archive, the summary, the exports and the live view only ever see masked
data. The rules live in `sessions.privacy` (the same contract as the recorder, held by the shared vectors
in tests/vectors/privacy/); this module is the stable name the consumers import.
"""

from .privacy import redact_event, redact_events
from .privacy.cards import is_card_number, luhn_valid
from .privacy.text import mask_text
from .privacy.walk import filter_headers, header_allowed

__all__ = [
    "filter_headers",
    "header_allowed",
    "is_card_number",
    "luhn_valid",
    "mask_text",
    "redact_event",
    "redact_events",
]
