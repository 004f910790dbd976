"""The outbox: mail written with the change, sent once, never lost with a down broker."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from fulfilment.models import OutboxMessage
from fulfilment.outbox import Mail, outbox_deliver, outbox_queue
from fulfilment.tasks import outbox_sweep_task

pytestmark = pytest.mark.django_db


def message(key="task-created:1"):
    return Mail(
        key=key, recipients=["irina@example.com"], subject="Бюджет", body="Составить бюджет"
    )


def test_a_message_is_sent_after_commit_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_queue([message()])
    assert [m.subject for m in mail.outbox] == ["Бюджет"]
    assert OutboxMessage.objects.get().sent_at is not None
    assert outbox_deliver() == 0
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_sends_nothing():
    def fail():
        with transaction.atomic():
            outbox_queue([message()])
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        fail()
    assert not OutboxMessage.objects.exists()


def test_the_same_key_is_queued_once():
    outbox_queue([message(), message()])
    outbox_queue([message()])
    assert OutboxMessage.objects.count() == 1


def test_a_failed_first_send_is_sent_by_the_sweep_once(
    django_capture_on_commit_callbacks, settings
):
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("SMTP down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_queue([message()])
    row = OutboxMessage.objects.get()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert "SMTP down" in row.last_error
    assert mail.outbox == []

    OutboxMessage.objects.update(claimed_until=None)  # the pause after a failure has passed
    assert outbox_sweep_task() == 1
    assert outbox_sweep_task() == 0
    assert len(mail.outbox) == 1


def test_a_broker_down_at_commit_leaves_the_message_for_the_sweep(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch(
            "fulfilment.tasks.outbox_deliver_task.delay", side_effect=ConnectionError("broker down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_queue([message()])
    assert mail.outbox == []
    assert outbox_sweep_task() == 1
    assert len(mail.outbox) == 1


def test_a_claimed_message_is_not_sent_by_a_second_sender():
    outbox_queue([message()])
    sends = []

    def send_and_race(self, *args, **kwargs):
        sends.append(self.subject)
        assert outbox_deliver() == 0  # a second sender while the first one is sending
        return 1

    with mock.patch("django.core.mail.EmailMessage.send", send_and_race):
        assert outbox_deliver() == 1
    assert sends == ["Бюджет"]
