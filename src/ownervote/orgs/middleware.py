"""Staff of the kinds in OWNERVOTE_REQUIRE_2FA_KINDS (street, district, city in production)
must have passed a TOTP check in this session before using the console or the API."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import scoping

EXEMPT_PREFIXES = ("/console/login", "/console/logout", "/console/2fa", "/static/", "/i18n/", "/healthz")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        kinds = settings.OWNERVOTE_REQUIRE_2FA_KINDS
        if (
            kinds
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not getattr(request, "auth_via_token", False)
            and scoping.user_kinds(user) & kinds
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "auth.second_factor_required", "message": "需要完成两步验证"}}, status=403
                )
            return redirect(reverse("console:2fa") + "?next=" + request.get_full_path())
        return self.get_response(request)
