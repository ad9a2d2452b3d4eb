"""Revoking an agent closes their open watch sockets.

A watch socket was admitted once, at connect; without more, an agent removed from the support group,
deactivated, deleted or logged out would keep receiving a live session. So:

- every watch socket joins the channel-layer group of its user (`keys.agent_group`);
- the changes that can take access away (group or permission membership, a saved or deleted user, a
  logout) send `agent.recheck` to the users concerned once their transaction commits;
- the socket re-runs `watch_access` on that message, and also every SUPPORTREPLAY_WATCH_RECHECK_SECONDS
  as a backstop (a change made with raw SQL, a lost channel-layer message), and closes with 4401 (no
  longer logged in) or 4403 (no longer allowed).

A logout names the ended session by the SHA-256 of its key (the signal fires before Django flushes the
session, and the key itself is a cookie value that has no business in Redis).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from types import SimpleNamespace

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import Group, User
from django.db import transaction

from . import keys
from .permissions import WATCH_PERMISSION

log = logging.getLogger(__name__)

RECHECK = "agent.recheck"
NOT_LOGGED_IN = 4401
NOT_ALLOWED = 4403


def recheck_seconds() -> float:
    return float(settings.SUPPORTREPLAY_WATCH_RECHECK_SECONDS)


def session_digest(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()


def watch_access(session_key: str | None, user_id: int) -> int | None:
    """None while the session `session_key` still logs in user `user_id` with the watch permission,
    else the close code. Reads everything fresh from the database (no cached user or permissions)."""
    from importlib import import_module

    if not session_key:
        return NOT_LOGGED_IN
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    # Django's own check: session present and unexpired, user active, password hash unchanged.
    user = get_user(SimpleNamespace(session=store))
    if not user.is_authenticated or user.pk != user_id:
        return NOT_LOGGED_IN
    return None if user.has_perm(WATCH_PERMISSION) else NOT_ALLOWED


def notify(user_ids: Iterable[int], ended_session: str | None = None) -> None:
    """After commit, ask every open watch socket of these users to re-check its access."""
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return
    message = {"type": RECHECK}
    if ended_session is not None:
        message["ended"] = session_digest(ended_session)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for user_id in ids:
            try:
                async_to_sync(layer.group_send)(keys.agent_group(user_id), message)
            except Exception:
                # The periodic re-check still closes the socket, only later.
                log.warning("watch access re-check for user %s not sent", user_id, exc_info=True)

    transaction.on_commit(send)


# --- signal receivers (connected in apps.ready) -------------------------------------------------------


def on_user_saved(sender, instance: User, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # every login saves last_login: nothing taken away
    notify([instance.pk])


def on_user_deleted(sender, instance: User, **kwargs) -> None:
    notify([instance.pk])


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and getattr(request, "session", None) is not None:
        notify([user.pk], ended_session=request.session.session_key)


def _users_of_groups(group_ids: Iterable[int]) -> list[int]:
    return list(User.objects.filter(groups__in=list(group_ids)).values_list("pk", flat=True))


def _m2m_receiver(users_of: Callable[[object, bool, Iterable[int]], list[int]]) -> Callable:
    """An m2m_changed receiver that notifies `users_of(instance, reverse, pk_set)` after a removal.

    A clear has no pk_set: the users are collected before it (pre_clear) and notified after."""

    def receiver(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
        # Adding a group or a permission never takes access away: only removals and clears re-check, so
        # granting access (often in bulk) costs the open sockets nothing.
        if action == "pre_clear":
            instance._sr_users_before_clear = users_of(
                instance, reverse, _related_ids(instance, sender, reverse)
            )
        elif action == "post_clear":
            notify(getattr(instance, "_sr_users_before_clear", []))
        elif action == "post_remove" and pk_set:
            notify(users_of(instance, reverse, pk_set))

    return receiver


def _related_ids(instance, through, reverse: bool) -> list[int]:
    """Before a clear: the ids on the other side of `through` that `instance` is linked to."""
    fields = [f for f in through._meta.fields if f.is_relation]
    mine = next(f for f in fields if isinstance(instance, f.related_model))
    other = next(f for f in fields if f is not mine)
    return list(through.objects.filter(**{mine.name: instance.pk}).values_list(other.attname, flat=True))


# User.groups: forward instance is a User, reverse a Group with user ids in pk_set.
on_user_groups_changed = _m2m_receiver(lambda inst, rev, ids: list(ids) if rev else [inst.pk])
# User.user_permissions: forward a User, reverse a Permission with user ids.
on_user_permissions_changed = _m2m_receiver(lambda inst, rev, ids: list(ids) if rev else [inst.pk])
# Group.permissions: forward a Group (its members), reverse a Permission with group ids (their members).
on_group_permissions_changed = _m2m_receiver(
    lambda inst, rev, ids: _users_of_groups(ids) if rev else _users_of_groups([inst.pk])
)


def connect_signals() -> None:
    from django.contrib.auth.signals import user_logged_out
    from django.db.models.signals import m2m_changed, post_delete, post_save

    uid = "recordings.agent_access."
    post_save.connect(on_user_saved, sender=User, dispatch_uid=uid + "saved")
    post_delete.connect(on_user_deleted, sender=User, dispatch_uid=uid + "deleted")
    user_logged_out.connect(on_logged_out, dispatch_uid=uid + "logout")
    m2m_changed.connect(on_user_groups_changed, sender=User.groups.through, dispatch_uid=uid + "groups")
    m2m_changed.connect(
        on_user_permissions_changed, sender=User.user_permissions.through, dispatch_uid=uid + "user_perms"
    )
    m2m_changed.connect(
        on_group_permissions_changed, sender=Group.permissions.through, dispatch_uid=uid + "group_perms"
    )
