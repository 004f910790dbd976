"""The whole story in a real browser, from the sales manager to the accountant.

Chromium from Debian's package, driven by Playwright against the app served by a live
test server with the demo data. Each step saves a screenshot under
test-artifacts/e2e/; a failed step keeps its screenshot and the page's HTML.
"""

import contextlib
import datetime
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from fulfilment.calendar import WorkingCalendar
from fulfilment.handover import date_rules
from fulfilment.handover.models import PaymentReminder, Task
from orders.models import Deal, SupplierOrder
from payments.models import Installment, PaymentTerm
from tests.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, which Django allows when told so.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        # A fresh profile each run: nothing left over tries to reach the network.
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="en-US",
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(15_000)
        yield context
        context.close()
        # Inside Playwright's sync API the test's ORM calls get a connection of their
        # own (Django keys connections by context); close it here, in that context, or
        # it outlives the test and holds the test database open.
        connections.close_all()


class Story:
    def __init__(self, context, base_url: str) -> None:
        self.context, self.base_url = context, base_url
        self.page = context.new_page()
        shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's pictures
        ARTIFACTS.mkdir(parents=True)
        self.steps = 0

    @contextlib.contextmanager
    def step(self, name: str):
        self.steps += 1
        stem = ARTIFACTS / f"{self.steps:02d}-{name}"
        try:
            yield self.page
        except Exception:
            self.page.screenshot(path=f"{stem}-FAILED.png", full_page=True)
            Path(f"{stem}-FAILED.html").write_text(self.page.content())
            raise
        self.page.screenshot(path=f"{stem}.png", full_page=True)

    def log_in(self, username: str) -> None:
        page = self.page
        self.context.clear_cookies()
        page.goto(f"{self.base_url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo")
        page.click(".login button[type=submit]")
        page.wait_for_url(re.compile(r".*/deals/$"))

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base_url}{path}")


def test_from_the_sales_manager_to_the_accountant(live_server, browser):
    call_command("demo_data")
    story = Story(browser, live_server.url)
    page = story.page
    deal = Deal.objects.get(title="Запорная арматура для НПЗ")

    # 1. The manager tries to move an incomplete deal, reads what is missing, completes
    #    the card, moves it and sees its number.
    with story.step("manager-refused"):
        story.log_in("manager")
        page.click(f"text={deal.title}")
        page.click("button:has-text('Move to Realization')")
        messages = page.locator(".messages .message.error")
        messages.first.wait_for()
        text = " ".join(messages.all_inner_texts())
        for missing in ("delivery terms", "customer payment terms", "final agreements"):
            assert missing in text
    with story.step("manager-card-completed"):
        page.click("a:has-text('Edit')")
        page.select_option("select[name=incoterms]", "DAP")
        page.fill("input[name=delivery_place]", "склад покупателя, Омск")
        page.fill("textarea[name=customer_payment_terms]", "100 % в течение 30 дней после поставки")
        page.fill("textarea[name=final_agreements]", "Поставка двумя партиями; приёмка по ГОСТ")
        page.click("button:has-text('Save')")
        page.locator("text=7 of 7").wait_for()
    with story.step("manager-realization"):
        page.click("button:has-text('Move to Realization')")
        number = page.locator("[data-testid=realization-number]")
        number.wait_for()
        deal.refresh_from_db()
        assert number.inner_text() == deal.realization_number
        assert re.fullmatch(rf"R-{timezone.localdate().year}-\d{{5}}", deal.realization_number)
        assert page.title().startswith(deal.realization_number)

    # 2. Finance, foreign trade and legal each find their task and complete it.
    for clerk in ("finance", "customs", "legal"):
        with story.step(f"{clerk}-task-done"):
            story.log_in(clerk)
            story.go("/tasks/")
            row = page.locator("li.taskrow", has_text=deal.realization_number)
            row.wait_for()
            row.locator("button:has-text('Complete')").click()
            page.locator("li.taskrow.status-done", has_text=deal.realization_number).wait_for()
    assert set(Task.objects.filter(deal=deal).values_list("status", flat=True)) == {"done"}

    # 3. The buyer orders the goods under 30 days' deferral and marks them delivered.
    deferral = PaymentTerm.objects.get(installments__base_event="delivery", installments__share=100)
    today = timezone.localdate()
    with story.step("buyer-order-created"):
        story.log_in("buyer")
        story.go(deal.get_absolute_url())
        page.click("a:has-text('New supplier order')")
        page.select_option("select[name=supplier]", label="ООО «ПромАрматура»")
        page.fill("input[name=amount]", "1200000.00")
        page.fill(
            "input[name=planned_delivery_date]", (today + datetime.timedelta(days=5)).isoformat()
        )
        page.click("button:has-text('Save')")
        page.locator("text=is created").wait_for()
        page.select_option("#payments select[name=term]", str(deferral.pk))
        page.click("#payments button:has-text('Apply')")
        page.locator("text=The payment schedule is updated.").wait_for()
    with story.step("buyer-order-delivered"):
        page.click("summary:has-text('Place the order')")
        page.click("form:has(input[value=place]) button[type=submit]")
        page.locator(".stagebadge", has_text="Ordered").wait_for()
        page.click("summary:has-text('Delivered')")
        page.click("form:has(input[value=deliver]) button[type=submit]")
        page.locator(".stagebadge", has_text="Delivered").wait_for()
        order = SupplierOrder.objects.get(deal=deal)
        installment = order.installments.get()
        assert not installment.provisional
        # 30 calendar days from the delivery, moved to the next working day if off.
        deferred = order.actual_delivery_date + datetime.timedelta(days=30)
        assert installment.due_date == WorkingCalendar().on_or_after(deferred)
        page.locator("#payments", has_text=installment.due_date.strftime("%m/%d/%Y")).wait_for()

    # 4. Time moves on to the reminder date: the accountant finds the task with its pack,
    #    records the payment, and the queue is empty.
    date_rules.payment_reminders_create(today=installment.reminder_date)  # the demo's are due too
    assert PaymentReminder.objects.filter(installment=installment).count() == 1
    with story.step("accountant-reminder"):
        story.log_in("accountant")
        story.go("/tasks/")
        page.click(f"a.title:has-text('{order.number}')")
        pack = page.locator("#pack")
        pack.wait_for()
        assert "signed contract — missing" in pack.inner_text()
    with story.step("accountant-paid"):
        story.go(f"/payments/?q={order.number}")
        row = page.locator(f"#installment-{installment.pk}")
        row.locator("button:has-text('Record a payment')").click()
        row = page.locator(f"#installment-{installment.pk}")
        row.locator("input[name=reference]").fill("п/п 4711")
        row.locator("button:has-text('Record')").click()
        page.locator("text=The payment is recorded.").wait_for()
        story.go(f"/payments/?q={order.number}")
        assert page.locator("tbody.installment").count() == 0
    installment.refresh_from_db()
    assert installment.state == Installment.State.PAID
    reminder = PaymentReminder.objects.select_related("task").get(installment=installment)
    assert reminder.task.status == "done"

    # 5. The director's control tower shows the deal green.
    with story.step("director-tower"):
        story.log_in("director")
        story.go("/tower/")
        row = page.locator("tr", has_text=deal.realization_number)
        assert "row-green" in row.get_attribute("class")
