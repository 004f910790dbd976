import pytest
from django.core.exceptions import ValidationError

from orders.inn import inn_is_valid, validate_inn, validate_kpp


@pytest.mark.parametrize(
    "inn",
    [
        "7707083893",  # an organisation: PAO Sberbank
        "7736207543",  # an organisation: OOO Yandex
        "500100732259",  # an individual: both check digits
    ],
)
def test_valid_inns_pass(inn):
    assert inn_is_valid(inn)
    validate_inn(inn)


@pytest.mark.parametrize(
    ("inn", "message"),
    [
        ("7707083894", "check digits do not match"),
        ("500100732258", "check digits do not match"),
        ("500100732269", "check digits do not match"),
        ("77070838", "has 10 digits"),
        ("77070838931", "has 10 digits"),
        ("77O7083893", "digits only"),
        (
            "\uff17\uff17\uff10\uff17\uff10\uff18\uff13\uff18\uff19\uff13",
            "digits only",
        ),  # full-width
    ],
)
def test_invalid_inns_are_refused_with_the_reason(inn, message):
    assert not inn_is_valid(inn)
    with pytest.raises(ValidationError, match=message):
        validate_inn(inn)


@pytest.mark.parametrize("kpp", ["77070100", "7707010011", "77O701001"])
def test_kpp_must_be_nine_digits(kpp):
    with pytest.raises(ValidationError, match="9 digits"):
        validate_kpp(kpp)
