"""Placeholder: written by the archive work."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


console_archive = owner_archive = _todo
