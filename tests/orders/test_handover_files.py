import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import DealFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def card_slot(client, deal, testid: str) -> str:
    html = client.get(f"/deals/{deal.pk}/").content.decode()
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</dd>", start)]


def test_the_hand_over_card_shows_its_signed_proposal_and_customer_contract(client_of, manager):
    deal = DealFactory(manager=manager)
    client = client_of(manager)
    assert "not attached yet" in card_slot(client, deal, "handover-signed-proposal")
    assert "not attached yet" in card_slot(client, deal, "handover-customer-contract")

    client.post(
        f"/deals/{deal.pk}/attachments/",
        {
            "file": SimpleUploadedFile("КП подписанное.pdf", PDF_BYTES),
            "category": "signed_proposal",
        },
    )

    proposal = card_slot(client, deal, "handover-signed-proposal")
    assert "КП подписанное.pdf" in proposal
    assert "not attached yet" not in proposal
    assert "not attached yet" in card_slot(client, deal, "handover-customer-contract")
