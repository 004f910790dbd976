"""SQLite's LIKE folds only ASCII letters, so "северст" would not find "Северсталь".

Django's case-insensitive lookups on SQLite use LIKE; this replaces LIKE on every new
SQLite connection with one that folds case the Unicode way. (Case-sensitive lookups use
GLOB and are unaffected.) PostgreSQL needs none of this.
"""

import re
from functools import lru_cache

from django.db.backends.signals import connection_created


@lru_cache(maxsize=256)
def _pattern(like: str, escape: str | None) -> re.Pattern:
    parts, chars = [], iter(like)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def _like(pattern: str | None, value: str | None, escape: str | None = None) -> bool | None:
    if pattern is None or value is None:
        return None
    return _pattern(pattern, escape).fullmatch(str(value)) is not None


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, _like, deterministic=True)
        connection.connection.create_function("like", 3, _like, deterministic=True)


def install() -> None:
    connection_created.connect(_register, dispatch_uid="fulfilment-sqlite-like")
