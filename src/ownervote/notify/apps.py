from django.apps import AppConfig

from ownervote.core import periodic


class NotifyConfig(AppConfig):
    name = "ownervote.notify"
    label = "notify"

    def ready(self):
        # Imported here: the tasks module reads the models, which exist once the apps are loaded.
        from ownervote.core import retention

        from . import retention as erasers
        from .receipts import ensure_poll
        from .tasks import ensure_sweep

        periodic.register(ensure_sweep)
        periodic.register(ensure_poll)  # R-MTG-10: the SMS delivery reports
        # R-SEC-7: the kinds the retention job (audit.retention) erases through this app.
        retention.eraser("sms_code")(erasers.erase_sms_codes)
        retention.eraser("sent_sms")(erasers.erase_sent_sms)
        retention.eraser("task_result")(erasers.erase_task_results)
        retention.eraser("notification")(erasers.erase_message_bodies)
