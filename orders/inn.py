"""Russian taxpayer numbers: INN with its check digits, KPP by shape.

The check digits follow the Federal Tax Service's algorithm: an organisation's INN has
10 digits, the last one a check digit; an individual's has 12, the last two check digits.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(value: str) -> bool:
    if not value.isdigit() or not value.isascii() or len(value) not in (10, 12):
        return False
    digits = [int(char) for char in value]
    if len(digits) == 10:
        return _check_digit(digits, _WEIGHTS_10) == digits[9]
    return (
        _check_digit(digits, _WEIGHTS_11) == digits[10]
        and _check_digit(digits, _WEIGHTS_12) == digits[11]
    )


def validate_inn(value: str) -> None:
    if not value.isascii() or not value.isdigit():
        raise ValidationError(_("An INN consists of digits only."), code="inn_digits")
    if len(value) not in (10, 12):
        raise ValidationError(
            _("An INN has 10 digits (organisation) or 12 (individual); this one has %(n)d."),
            params={"n": len(value)},
            code="inn_length",
        )
    if not inn_is_valid(value):
        raise ValidationError(
            _("The INN's check digits do not match: please check it for a typo."),
            code="inn_checksum",
        )


def validate_kpp(value: str) -> None:
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A KPP consists of exactly 9 digits."), code="kpp")
