"""Domain signals of a link's life, sent by the verbs that make them happen (one list, one place).

Receivers (webhooks, in-app notifications) must be quick and must not fail the sender: they enqueue work
with `transaction.on_commit`, so nothing is sent for a change that is rolled back.

    link_accepted  sender=MagicLink  link, session, consent  supportreplay.consent.accept
    link_declined  sender=MagicLink  link, consent           magiclinks.services.decline
    link_revoked   sender=MagicLink  link                    magiclinks.services.revoke_link

`link_revoked` is how a revoke reaches the recordings (sessions.receivers ends the link's live sessions)
without magiclinks knowing about them. It is sent plainly, not robustly: ending the sessions is part of the
revoke, and a failure must reach the agent who revoked instead of leaving a recording open. Its receivers
return how many sessions they ended (for the audit entry).
"""

from django.dispatch import Signal

link_accepted = Signal()
link_declined = Signal()
link_revoked = Signal()
