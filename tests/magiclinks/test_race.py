import threading

import pytest
from django.db import connections
from django.test import Client

from magiclinks.models import ConsentRecord, MagicLink
from sessions.models import RecordingSession

from .factories import link_path, make_link

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_accepts_of_one_link_create_exactly_one_session():
    created = make_link()
    path = link_path(created)
    start = threading.Barrier(THREADS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(i: int) -> None:
        try:
            client = Client()
            start.wait(timeout=10)
            # Distinct addresses: this test is about the database race, not the rate limit.
            response = client.post(path, {"choice": "accept"}, REMOTE_ADDR=f"192.0.2.{i + 1}")
            statuses.append(response.status_code)
        except BaseException as exc:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(statuses) == [302] + [410] * (THREADS - 1)
    assert RecordingSession.objects.filter(link=created.link).count() == 1
    assert ConsentRecord.objects.filter(link=created.link).count() == 1
    assert MagicLink.objects.get(pk=created.link.pk).sessions_used == 1
