"""GB 11643 ID numbers, phones and masking."""
import pytest
from django.core.exceptions import ValidationError

from dangjian.core import pii
from dangjian.core.validators import (
    credit_code_check_char,
    id_number_birth_date,
    id_number_check_char,
    id_number_gender,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)


def test_known_id_number_check_digits():
    # Published examples of the GB 11643 checksum.
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_check_char("44052418800101001") == "4"
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


def test_birth_date_and_gender_come_from_the_number():
    assert str(id_number_birth_date("11010519491231002X")) == "1949-12-31"
    assert id_number_gender("11010519491231002X") == "female"
    assert id_number_gender("440524188001010014") == "male"


@pytest.mark.parametrize("value", ["", "1234", "11010519491231002Y", "110105194912320021", "110105194912310020"])
def test_invalid_id_numbers(value):
    with pytest.raises(ValidationError):
        validate_id_number(value)


def test_phones():
    assert validate_phone("138 1234 5678") == "13812345678"
    assert validate_phone("0471-8123456") == "0471-8123456"
    with pytest.raises(ValidationError):
        validate_phone("12812345678")


def test_masks():
    assert pii.mask_id_number("11010519491231002X") == "1101**********002X"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_address("临江市江滨街道幸福里3号楼") == "临江市江滨街****"


def test_encryption_round_trip_and_key_rotation(settings):
    from cryptography.fernet import Fernet

    token = pii.encrypt("110105194912310020")
    new_key = Fernet.generate_key().decode()
    settings.PII_KEYS = [new_key, *settings.PII_KEYS]
    assert pii.decrypt(token) == "110105194912310020"
    rotated = pii.rotate(token)
    settings.PII_KEYS = [new_key]
    assert pii.decrypt(rotated) == "110105194912310020"


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B", " 91350100m000100y43 "])
def test_credit_codes_published_on_business_licences_pass(code):
    assert validate_credit_code(code) == code.strip().upper()


@pytest.mark.parametrize(("code", "error"), [
    ("91350100M000100Y4", "credit_length"),
    ("91350100M000100I43", "credit_chars"),
    ("91350100M000100Y44", "credit_check"),
    ("91350100M000100Y4Z", "credit_chars"),
])
def test_bad_credit_codes_are_refused_with_the_reason(code, error):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == error


def test_check_char_makes_any_seventeen_characters_a_valid_code():
    first17 = "92330106MA2H000A0"
    assert validate_credit_code(first17 + credit_code_check_char(first17)).startswith(first17)
