"""The contract with a 50-line specification, rendered by the product and by bare WeasyPrint.

    .venv/bin/python bench/pdf.py [--lines 50] [--runs 10]

"product" is what generating the document costs: the queries that gather the contract,
its specification and lines, the Django template, and WeasyPrint's layout and PDF
output. "bare" is WeasyPrint alone on the very same HTML, saved once beforehand as a
static string. Both run in the same process, alternately, and the script prints the
median of each and their ratio. A throwaway SQLite database under /tmp holds the data.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench-pdf.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulfilment.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    from orders import services
    from orders.models import Counterparty, Deal
    from orders.pdf import NoFetching, render_pdf
    from orders.services.documents import TEMPLATES, document_context

    call_command("migrate", verbosity=0)
    call_command("demo_data", verbosity=0)
    from django.contrib.auth import get_user_model

    legal = get_user_model().objects.get(username="legal")
    deal = Deal.objects.exclude(realization_number=None).filter(stage="realization").first()
    supplier = Counterparty.objects.filter(kind="supplier").first()
    contract = services.contract_create(
        deal=deal,
        actor=legal,
        data={"counterparty": supplier, "subject": "Поставка теплообменников"},
    )
    spec = services.specification_create(
        contract=contract, actor=legal, date=datetime.date(2026, 3, 2)
    )
    services.specification_save_lines(
        specification=spec,
        actor=legal,
        lines=[
            {
                "name": f"Теплообменник пластинчатый ТП-{i}",
                "quantity": Decimal("2"),
                "unit": "шт.",
                "unit_price": Decimal("125000.50"),
                "vat_rate": (0, 10, 20)[i % 3],
                "hs_code": "8419500000",
                "country_of_origin": "Россия",
                "delivery_time": "60 дней",
            }
            for i in range(args.lines)
        ],
    )

    def product() -> int:
        with translation.override(settings.LANGUAGE_CODE):
            _pdf, pages = render_pdf(TEMPLATES["contract"], document_context("contract", contract))
        return pages

    with translation.override(settings.LANGUAGE_CODE):
        static_html = render_to_string(
            TEMPLATES["contract"], document_context("contract", contract)
        )

    def bare() -> int:
        document = HTML(string=static_html, url_fetcher=NoFetching()).render()
        document.write_pdf()
        return len(document.pages)

    pages = product()
    bare()  # warm fonts and caches for both
    timings: dict[str, list[float]] = {"product": [], "bare": []}
    for _ in range(args.runs):
        for name, render in (("product", product), ("bare", bare)):
            began = time.perf_counter()
            render()
            timings[name].append(time.perf_counter() - began)

    product_ms = statistics.median(timings["product"]) * 1000
    bare_ms = statistics.median(timings["bare"]) * 1000
    print(f"contract with a {args.lines}-line specification: {pages} pages, {args.runs} runs each")
    print(f"product (queries + template + WeasyPrint): {product_ms:7.1f} ms median")
    print(f"bare WeasyPrint on the same static HTML:   {bare_ms:7.1f} ms median")
    print(f"ratio: {product_ms / bare_ms:.2f}")


if __name__ == "__main__":
    main()
