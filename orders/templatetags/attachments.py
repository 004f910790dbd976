from django import template

register = template.Library()


@register.filter
def in_category(attachments, category: str) -> list:
    """The files of one category, from a list the view has already fetched (no query)."""
    return [attachment for attachment in attachments if attachment.category == category]
