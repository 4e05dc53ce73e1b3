"""Placeholder: written by the documents work."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


version_pdf = version_xlsx = public_pdf = _todo
