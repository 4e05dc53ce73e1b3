"""Background work of results, on Django's task interface (``django_tasks``, the database queue of
``django_tasks_db``; run by ``manage.py worker``).

- ``prerender(result_id)``: renders and keeps the per-flat PDF (分户结果统计表) of a version in the
  site's default language (``documents.kept``), so that the convener's first download of a large
  meeting's table serves kept bytes instead of waiting for WeasyPrint (about 2 s per 1,000 flats).
  Enqueued by ``services.results.result_generate`` (``enqueue_prerender``) when the roll has at
  least ``OWNERVOTE_PRERENDER_MIN_FLATS`` flats.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django_tasks import task

from . import documents
from .models import Result

log = logging.getLogger(__name__)


@task()
def prerender(*, result_id: int) -> str:
    """Render and keep the per-flat PDF of version ``result_id`` in ``settings.LANGUAGE_CODE``.
    Harmless when it is already kept (a download came first) or runs twice. Returns what it did."""
    result = Result.objects.filter(pk=result_id).select_related("meeting", "generated_by").first()
    if result is None:
        return "missing"
    with translation.override(settings.LANGUAGE_CODE):
        if documents.is_kept(result, documents.FLATS, "pdf"):
            return "kept"
        documents.kept(result, documents.FLATS, "pdf")
    log.info("per-flat PDF of result %s (meeting %s v%s) kept", result.pk, result.meeting_id, result.number)
    return "rendered"


def enqueue_prerender(result) -> bool:
    """Queue ``prerender`` for a version just generated, when its roll has at least
    ``OWNERVOTE_PRERENDER_MIN_FLATS`` flats; True when queued. With the database queue the task row
    is written in the caller's transaction (it exists exactly when the version commits); another
    backend gets it after the commit."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    if len(result.content.get("flats") or []) < settings.OWNERVOTE_PRERENDER_MIN_FLATS:
        return False
    if isinstance(task_backends[prerender.backend], DatabaseBackend):
        prerender.enqueue(result_id=result.pk)
    else:
        transaction.on_commit(lambda: prerender.enqueue(result_id=result.pk))
    return True
