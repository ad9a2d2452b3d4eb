import logging

from supportreplay.logfilters import RedactSecrets, redact


def test_link_paths_lose_their_token():
    assert redact("Gone: /l/AbC-123_xyzAbC-123_xyzAbC-123_xyz0") == "Gone: /l/[redacted]"


def test_the_filter_rewrites_formatted_records():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Gone: %s", ("/l/secretTOKEN42",), None
    )
    assert RedactSecrets().filter(record) is True
    assert record.getMessage() == "Gone: /l/[redacted]"
