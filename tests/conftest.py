"""Shared fixtures: a flushed test Redis, real processes, a browser. Helpers live in tests/helpers/."""

import pytest

from supportreplay.redis_client import get_redis


@pytest.fixture
def redis_db():
    """The real test Redis (its own DB number), flushed before and after the test."""
    client = get_redis()
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def browser():
    from tests.helpers.browser import make_driver

    driver = make_driver()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def agent_browser():
    """A second Chromium, for the agent beside the customer's `browser`."""
    from tests.helpers.browser import make_driver

    driver = make_driver()
    try:
        yield driver
    finally:
        driver.quit()
