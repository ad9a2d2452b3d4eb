"""`manage.py create_link --target URL ...`: print a customer link (for scripts and helpdesk macros).

The link URL is the only thing written to stdout, so `URL=$(manage.py create_link ...)` works; details go
to stderr.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from magiclinks import services


class Command(BaseCommand):
    help = "Create a magic link and print its URL (shown once: only a fingerprint is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--target", required=True, help="Page the customer opens after consenting.")
        parser.add_argument("--customer", default="", help="Customer name (shown to agents only).")
        parser.add_argument("--email", default="", help="Customer email (shown to agents only).")
        parser.add_argument("--ticket", default="", help="Ticket reference.")
        parser.add_argument("--ticket-url", default="")
        parser.add_argument("--note", default="", help="Shown to the customer on the consent page.")
        parser.add_argument("--expires", default=None, help="Validity like 30m, 2h, 3d (default: setting).")
        parser.add_argument("--max-sessions", type=int, default=1)
        parser.add_argument("--agent", default=None, help="Username of the agent (default: first superuser).")
        parser.add_argument("--no-console", action="store_true")
        parser.add_argument("--no-network", action="store_true")
        parser.add_argument("--network-bodies", action="store_true")
        parser.add_argument("--mask-all-text", action="store_true")
        parser.add_argument("--base-url", default=None, help="Public base URL (default: setting).")

    def handle(self, *args, **opts) -> None:
        agent = self._agent(opts["agent"])
        try:
            expires_in = services.parse_duration(opts["expires"]) if opts["expires"] else None
            created = services.create_link(
                agent,
                target_url=opts["target"],
                expires_in=expires_in,
                customer_name=opts["customer"],
                customer_email=opts["email"],
                ticket_ref=opts["ticket"],
                ticket_url=opts["ticket_url"],
                note=opts["note"],
                max_sessions=opts["max_sessions"],
                capture_console=not opts["no_console"],
                capture_network=not opts["no_network"],
                capture_network_bodies=opts["network_bodies"],
                mask_all_text=opts["mask_all_text"],
            )
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"error": exc.messages}
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in messages.items())
            ) from None
        base = opts["base_url"] or services.public_base()
        self.stdout.write(created.url(base))
        self.stderr.write(
            f"Link …{created.link.token_last4} by {agent.get_username()}, "
            f"valid until {created.link.expires_at:%Y-%m-%d %H:%M %Z}."
        )

    def _agent(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            agent = users.filter(username=username).first()
            if agent is None:
                raise CommandError(f"No active user named {username!r}.")
        else:
            agent = users.filter(is_superuser=True).order_by("pk").first()
            if agent is None:
                raise CommandError("No superuser exists: pass --agent USERNAME.")
        if not agent.has_perm("magiclinks.add_magiclink"):
            raise CommandError(f"{agent.get_username()} may not create links (not a Support agent).")
        return agent
