"""The REST API: the same services, selectors and permissions as the pages, as JSON.

Serializers check the shape of the input, services make every change (so rules fire,
numbers are issued and history is written exactly as from a page), selectors decide
what a user may see (anything else is a 404). A plain package, not an app: it owns no
models.
"""
