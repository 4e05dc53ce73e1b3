from . import scoping


def console(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"console_kinds": scoping.user_kinds(user)}
