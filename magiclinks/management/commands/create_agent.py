"""`manage.py create_agent USERNAME --name "Jane Doe"`: a least-privilege support agent.

The agent can log in to the admin, make links, watch and replay sessions, and export them (the "Support
agent" group); nothing else. The password is generated and printed once, unless --password-stdin.
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from magiclinks import agents


class Command(BaseCommand):
    help = "Create a support agent (staff, 'Support agent' group only) and print its password once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help='Display name customers see, e.g. "Jane Doe".')
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from stdin.",
        )

    def handle(self, *args, username: str, name: str, email: str, password_stdin: bool, **opts) -> None:
        given = sys.stdin.readline().rstrip("\n") if password_stdin else None
        if password_stdin and not given:
            raise CommandError("No password on stdin.")
        try:
            user, password = agents.create_agent(username, name, email=email, password=given)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        shown = agents.display_name(user)
        self.stdout.write(f"Created support agent {user.get_username()} (customers see: {shown}).")
        if not password_stdin:
            self.stdout.write(f"Password (shown once): {password}")
