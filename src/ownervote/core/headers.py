"""The Permissions-Policy header: the browser features no page of this site uses are switched off
for it and anything it embeds (``OWNERVOTE_PERMISSIONS_POLICY``). Face verification runs at the
provider's own site (the owner is sent there and comes back), so no page here needs the camera."""

from __future__ import annotations

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.OWNERVOTE_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
