"""Create a local admin account when none exists and print its password once."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the local 'admin' superuser (in the Support agent group) if no superuser exists."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already (password printed on first run).")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email="", password=password)
        group = Group.objects.filter(name="Support agent").first()
        if group:
            user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Created the local admin account (shown once, write it down):\n"
                f"    login:    {username}\n    password: {password}\n"
            )
        )
