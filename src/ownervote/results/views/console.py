"""Placeholder: written by the console/pages work."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


result = close_voting = generate = submit = guidance = publicise = version = _todo
