from jixiao.accounts.selectors import user_scope


def workbench(request):
    """Who is logged in, for the navigation bar (role and region); no data decisions here."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"scope": user_scope(user)}
