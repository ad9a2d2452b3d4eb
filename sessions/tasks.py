"""Celery tasks of recordings: thin wrappers around the verbs in services and archive.service.

`archive_session` acks late and is rejected (redelivered) when its worker dies; the verb itself holds a
Redis lock and is idempotent, so a redelivery, the sweeper and a manual re-queue all converge on exactly
one verified archive.
"""

import logging

from celery import shared_task

from supportreplay import metrics

from . import services
from .archive import service as archive

log = logging.getLogger(__name__)


@shared_task(name=services.ARCHIVE_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def archive_session(session_id: str) -> str:
    return metrics.observe_archive(archive.archive_session, session_id).status


def _call_lifecycle(name: str) -> int:
    verb = getattr(services, name, None)
    if verb is None:
        # Written by the ingest side of the team; until it exists the beat entry is a logged no-op.
        log.warning("sessions.services.%s is not available yet", name)
        return 0
    result = verb()
    return len(result) if isinstance(result, list | tuple | set) else int(result or 0)


@shared_task(name="recordings.end_idle_sessions", ignore_result=True)
def end_idle_sessions() -> int:
    return _call_lifecycle("end_idle_sessions")


@shared_task(name="recordings.end_overlong_sessions", ignore_result=True)
def end_overlong_sessions() -> int:
    return _call_lifecycle("end_overlong_sessions")


@shared_task(name="recordings.sweep_unarchived", ignore_result=True)
def sweep_unarchived() -> int:
    return len(archive.sweep_unarchived())


@shared_task(name="recordings.purge_expired", ignore_result=True)
def purge_expired() -> int:
    return len(archive.purge_expired())
