from django.conf import settings

from .access import has_any_scope, user_scope


def platform(request):
    """Values every page needs: large-font mode, navigation entries, the user's own member record."""
    user = getattr(request, "user", None)
    perms_ui, my_member_id = {}, None
    if user is not None and user.is_authenticated:
        from dangjian.members.models import Member

        my_member_id = Member.objects.filter(user=user).values_list("pk", flat=True).first()
        perms_ui = {action: has_any_scope(user, action) for action in ("add", "export", "audit")}
        perms_ui["import"] = perms_ui["add"]
        perms_ui["delete"] = has_any_scope(user, "delete")
        view = user_scope(user, "view")
        perms_ui["overview"] = bool(view.everything or view.paths)
        perms_ui["everything"] = view.everything
        steer = user_scope(user, "transition")
        perms_ui["supervise"] = bool(steer.everything or steer.paths)
        # Party pages are for those with a subtree or a member record; grid staff, residents and
        # service team members see the grid and request pages only.
        perms_ui["party"] = perms_ui["overview"] or my_member_id is not None
        perms_ui["grid_staff"] = bool(view.grid_ids)
        if not perms_ui["party"]:
            from dangjian.grid.models.scope import team_ids_of

            perms_ui["team"] = bool(team_ids_of(user))
    return {
        "large_font": request.COOKIES.get("large_font") == "1",
        "debug": settings.DEBUG,
        "perms_ui": perms_ui,
        "my_member_id": my_member_id,
    }
