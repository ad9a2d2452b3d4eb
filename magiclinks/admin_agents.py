"""Admin for agent accounts: the user list gains "Make support agent" (least privilege) and shows the
display name customers see. Everything else is Django's own user admin."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from . import agents

User = get_user_model()


class AgentUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "customer_sees")
    actions = ("make_support_agents",)

    @admin.display(description="Customers see")
    def customer_sees(self, obj) -> str:
        return agents.display_name(obj)

    @admin.action(description="Make support agent (admin login + 'Support agent' group only)")
    def make_support_agents(self, request: HttpRequest, queryset: QuerySet) -> None:
        try:
            for user in queryset:
                agents.make_agent(user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        unnamed = [u.get_username() for u in queryset if not u.get_full_name().strip()]
        self.message_user(request, f"{queryset.count()} account(s) are support agents now.", messages.SUCCESS)
        if unnamed:
            self.message_user(
                request,
                f"Without a name, customers see '{agents.display_name(User())}' for: {', '.join(unnamed)}. "
                "Add a first and last name to show theirs.",
                messages.WARNING,
            )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AgentUserAdmin)
