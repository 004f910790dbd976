"""PDF documents rendered by WeasyPrint, with the realization number on every page.

The stylesheet is inlined by the template and the fonts come from the system (DejaVu,
which has Cyrillic), so the renderer needs no URL at all: its URL fetcher refuses every
one, and a document can never reach outside the project while it renders.
"""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class ExternalResourceRefused(ValueError):
    pass


class NoFetching(URLFetcher):
    def fetch(self, url, headers=None):
        raise ExternalResourceRefused(f"Documents do not fetch resources: {url}")


def render_pdf(template: str, context: dict) -> tuple[bytes, int]:
    """The PDF bytes and the page count of a template rendered with ``context``."""
    html = render_to_string(template, context)
    document = HTML(string=html, url_fetcher=NoFetching()).render()
    return document.write_pdf(), len(document.pages)
