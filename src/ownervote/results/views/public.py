"""Placeholder: written by the console/pages work."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


result = _todo
