from django.conf import settings

from .access import has_any_scope


def platform(request):
    """Values every page needs: large-font mode and which navigation entries to show."""
    user = getattr(request, "user", None)
    perms_ui = {}
    if user is not None and user.is_authenticated:
        perms_ui = {action: has_any_scope(user, action) for action in ("add", "export", "audit")}
        perms_ui["import"] = perms_ui["add"]
    return {
        "large_font": request.COOKIES.get("large_font") == "1",
        "debug": settings.DEBUG,
        "perms_ui": perms_ui,
    }
