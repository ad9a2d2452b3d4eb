from django.conf import settings


def product(request) -> dict:
    """Company name for every template (consent page, agent pages, demo)."""
    return {"company_name": settings.SUPPORTREPLAY_COMPANY_NAME}
