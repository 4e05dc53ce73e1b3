"""R-TRUST-1: detection runs hourly in the worker and on demand (``manage.py detect_signals``)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from ownervote.core import periodic
from ownervote.notify.testing import run_worker
from ownervote.trust import tasks
from ownervote.trust.models import Kind, Signal

from .world import T0

pytestmark = pytest.mark.django_db


def _three_owners_one_device(world):
    for p in [world.person() for _ in range(3)]:
        world.bind(p, at=T0 - dt.timedelta(days=1), device="dev-shared")


def test_detection_is_registered_and_runs_hourly_in_the_worker_r_trust_1(world):
    """The worker's start queues a detection (core.periodic); running it raises the signal and
    queues the next run an hour later, once."""
    assert tasks.ensure_hourly_detection in periodic._ensures
    _three_owners_one_device(world)
    with time_machine.travel(T0, tick=False):
        assert tasks.ensure_hourly_detection() is True
        assert tasks.ensure_hourly_detection() is False  # one waiting is enough
        run_worker(limit=1)
    assert Signal.objects.filter(kind=Kind.SHARED_DEVICE).count() == 1
    waiting = DBTaskResult.objects.filter(task_path=tasks.detect.module_path, status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after == T0 + dt.timedelta(hours=1)


def test_command_detects_one_estate_or_refuses_an_unknown_one_r_trust_1(world, estates):
    _three_owners_one_device(world)
    out = io.StringIO()
    with time_machine.travel(T0, tick=False):
        call_command("detect_signals", "--estate", str(estates["c"].pk), stdout=out)
        assert json.loads(out.getvalue())["raised"] == 0
        out = io.StringIO()
        call_command("detect_signals", "--estate", str(world.estate.pk), stdout=out)
    assert json.loads(out.getvalue())["raised"] == 1
    with pytest.raises(CommandError):
        call_command("detect_signals", "--estate", "999999")
