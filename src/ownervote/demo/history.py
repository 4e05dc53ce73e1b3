"""A history replayed on the days it happened.

The demo must obey every rule the system enforces whatever day ``make run`` is started: a meeting
entered at least 20 days before it is held, publicised at least 15, the binding list with it, its
voting opened by the worker at its time, its result publicised within 3 days of the resolution.
Writing the rows with made-up dates would contradict what the services record (the audit log is
append-only and hash-chained, and its times follow its order). So the demo is a script of steps,
each at its moment (e.g. "40 days ago, 10:00: the convener enters the meeting"), and the replay
moves the clock to each moment in turn (``time-machine``) and calls the real services there,
after letting the background queue do what it would have done by then (open a vote, send an
invitation). Every record then carries the time it would carry in real use.

The whole replay is one transaction: if a step fails, nothing of the demo is kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import time_machine
from django.db import transaction
from django.utils import timezone

from ownervote.notify.testing import run_worker


@dataclass(order=True, frozen=True)
class Step:
    at: dt.datetime
    order: int
    name: str = field(compare=False)
    action: Callable[[], object] = field(compare=False)


class History:
    """Steps at their moments; ``replay()`` runs them in time order (ties in the order added)."""

    def __init__(self) -> None:
        self._steps: list[Step] = []
        self._order = itertools.count()

    def add(self, at: dt.datetime, name: str, action: Callable[[], object]) -> None:
        self._steps.append(Step(at, next(self._order), name, action))

    def step(self, at: dt.datetime, name: str):
        """Decorator form of ``add``."""

        def register(action):
            self.add(at, name, action)
            return action

        return register

    @property
    def steps(self) -> list[Step]:
        return sorted(self._steps)

    def replay(self) -> int:
        """Run every step at its moment, then what the worker would have done by now. Refuses a
        step in the future. Returns how many background tasks ran. What the console SMS provider and
        the worker would print while replaying (notices of long ago) is swallowed; warnings still
        show."""
        now = timezone.now()
        late = [s for s in self._steps if s.at > now]
        if late:
            raise ValueError(f"step {late[0].name!r} is in the future ({late[0].at.isoformat()})")
        ran = 0
        with transaction.atomic(), contextlib.redirect_stdout(io.StringIO()), _quiet():
            for step in self.steps:
                with time_machine.travel(step.at, tick=True):
                    ran += run_worker()
                    step.action()
            ran += run_worker()
        return ran


@contextlib.contextmanager
def _quiet():
    """Log records below WARNING are dropped meanwhile (the worker logs every task it runs)."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)
