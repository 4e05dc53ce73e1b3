"""The task that opens a meeting's voting moved from ``ownervote.meetings.tasks.open_voting`` to
``ownervote.voting.services.opening.open_voting`` (issue 16: voting depends on meetings, not the
reverse). The openings already queued for publicised meetings are pointed at its new path, so the
worker still runs them at their time."""

from django.db import migrations

OLD = "ownervote.meetings.tasks.open_voting"
NEW = "ownervote.voting.services.opening.open_voting"


def forwards(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=OLD, status="READY").update(task_path=NEW)


def backwards(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=NEW, status="READY").update(task_path=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0002_append_only"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
