"""Placeholder: written by the oversight work."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


dashboard = _todo
