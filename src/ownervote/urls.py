from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from .api import api
from .core import help as guides

# A 500 under /api/ is the API's JSON error, elsewhere Django's page (ownervote.api.server_error).
handler500 = "ownervote.api.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:home", permanent=False)),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The guides per role, as MkDocs built them (issue 22): anybody may read them.
    re_path(r"^help/(?P<path>.*)$", guides.serve, name="help"),
    path("api/", api.urls),
    path("console/", include("ownervote.console.urls")),
    path("console/estates/", include("ownervote.roster.urls")),
    # Owner pages live under /m/ (mobile first); each app also adds its console pages.
    path("", include("ownervote.portal.urls")),
    path("", include("ownervote.identity.urls")),
    path("", include("ownervote.verification.urls")),
    path("", include("ownervote.bindings.urls")),
    path("", include("ownervote.bindinglist.urls")),
    path("", include("ownervote.notify.urls")),
    path("", include("ownervote.meetings.urls")),
    path("", include("ownervote.voting.urls")),
    path("", include("ownervote.results.urls")),
    path("", include("ownervote.complaints.urls")),
    path("", include("ownervote.trust.urls")),
    path("", include("ownervote.objections.urls")),
    path("", include("ownervote.trust.thresholds_urls")),
]

if settings.OWNERVOTE_DEMO:
    urlpatterns.append(path("", include("ownervote.demo.urls")))

if settings.DEBUG:
    from django.contrib import admin

    urlpatterns.append(path("admin/", admin.site.urls))
