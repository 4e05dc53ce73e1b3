"""Detect the impersonation signals now (R-TRUST-1), as the worker does every hour.

python manage.py detect_signals             # every estate
python manage.py detect_signals --estate 12 # one estate
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from ownervote.roster.models import Estate
from ownervote.trust.detection import signals_detect


class Command(BaseCommand):
    help = "Detect the impersonation signals (R-TRUST-1) of every estate, or of one."

    def add_arguments(self, parser):
        parser.add_argument("--estate", type=int, help="the id of one estate")

    def handle(self, *args, estate=None, **options):
        one = None
        if estate is not None:
            one = Estate.objects.select_related("street__parent").filter(pk=estate).first()
            if one is None:
                raise CommandError(f"no estate with id {estate}")
        summary = signals_detect(estate=one)
        self.stdout.write(json.dumps(summary, ensure_ascii=False, sort_keys=True))
