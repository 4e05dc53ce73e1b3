"""Forms whose save is a service call (``ServiceForm.submit``): the service's refusal is placed on
the form, where the person typed (``details["fields"]`` on their fields, the message above the
form), and the page is shown again with the refusal's status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .views import attempt


class ServiceForm:
    """Mix into a Django form. ``form.submit(service, **kwargs)`` returns the service's result, or
    None when it refused (the refusal then sits on the form and ``form.status`` is 409 or 422).
    A form that did not validate has ``status`` 422 too."""

    refusal_status: int | None = None

    @property
    def status(self) -> int:
        if self.refusal_status is not None:
            return self.refusal_status
        return 422 if self.is_bound and self.errors else 200

    def submit(self, service: Callable[..., Any], /, **kwargs) -> Any:
        outcome = attempt(service, **kwargs)
        if not outcome.refused:
            return outcome.value
        fields = outcome.details.get("fields") if isinstance(outcome.details.get("fields"), dict) else {}
        placed = False
        for name, text in fields.items():
            if name in self.fields:
                self.add_error(name, str(text))
                placed = True
        if not placed or outcome.message not in (str(t) for t in fields.values()):
            self.add_error(None, outcome.message)
        self.refusal_status = outcome.error.status
        return None
