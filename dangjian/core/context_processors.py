from django.conf import settings


def platform(request):
    """Values every page needs: large-font mode and the debug flag."""
    return {
        "large_font": request.COOKIES.get("large_font") == "1",
        "debug": settings.DEBUG,
    }
