import pytest


@pytest.fixture(autouse=True)
def _fresh_redis(redis_db):
    """Every link test starts with empty rate-limit counters (real Redis, this slot's DB)."""
    return redis_db
