"""The Celery application and its beat schedule, defined here and nowhere else."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulfilment.settings")

app = Celery("fulfilment")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Sends the mail that the after-commit send missed (broker down, worker lost).
    "outbox-sweep": {
        "task": "fulfilment.tasks.outbox_sweep_task",
        "schedule": 60.0,
    },
    # Payment reminders, overdue escalations and late deliveries; also run when a worker
    # starts (see fulfilment.handover.tasks), so a missed run is caught up.
    "date-rules": {
        "task": "fulfilment.handover.tasks.date_rules_task",
        "schedule": 15 * 60.0,
    },
    # Marks tasks past their deadline and tells the assignee and the head, once a task.
    "tasks-overdue": {
        "task": "fulfilment.handover.tasks.tasks_overdue_task",
        "schedule": 300.0,
    },
}
