"""The site's URLs with the admin mounted, for the outbox admin test (the site mounts the admin
with DEBUG only)."""

from django.contrib import admin
from django.urls import path

from ownervote.urls import urlpatterns as site

urlpatterns = [*site, path("admin/", admin.site.urls)]
