from django import template

register = template.Library()


@register.filter
def css_string(value) -> str:
    """Text safe inside a double-quoted CSS string (page margin boxes)."""
    text = str(value)
    return "".join(f"\\{ord(char):06x}" if char in "\"\\\n\r<>&'" else char for char in text)
