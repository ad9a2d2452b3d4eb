from django.contrib import admin

from .models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["session", "ts", "author", "created_at", "text"]
    list_select_related = ["author", "session"]
    search_fields = ["text"]
