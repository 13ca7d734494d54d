"""PII masking of example values: realistic personal data is masked with a small hint,
lookalikes that are not personal are left alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.render.masking import FULL_MASK, looks_personal, mask_example


@pytest.mark.parametrize(("value", "masked"), [
    # e-mail addresses, alone or inside text
    ("john.smith@example.com", "j***@example.com"),
    ("a@example.org", "***@example.org"),
    ("first+tag@mail.example.co.uk", "f***@mail.example.co.uk"),
    ('{"contact": "jane@corp.io", "cc": "bob@corp.io"}', '{"contact": "j***@corp.io", "cc": "b***@corp.io"}'),
    # phone numbers
    ("555-123-4567", "***-***-**67"),
    ("(555) 123-4567", "(***) ***-**67"),
    ("+1 (555) 123-4567", "+* (***) ***-**67"),
    ("+44 20 7946 0958", "+** ** **** **58"),
    ("+4915123456789", "+***********89"),
    ("020 7946 0958", "*** **** **58"),
    ("555.123.4567", "***.***.**67"),
    # payment cards (Luhn-valid test numbers)
    ("4111111111111111", "************1111"),
    ("4111 1111 1111 1111", "**** **** **** 1111"),
    ("5500-0000-0000-0004", "****-****-****-0004"),
    ("3782 822463 10005", "**** ****** *0005"),
    ("6011000990139424", "************9424"),
    # IP addresses
    ("192.168.10.24", "192.168.*.*"),
    ("10.0.0.0/8", "10.0.*.*/8"),
    ("2001:db8:85a3::8a2e:370:7334", "2001:db8:*:*:*:*:*:*"),
    ("fe80::1%eth0", "fe80:0:*:*:*:*:*:*"),
    ("::1", "0:0:*:*:*:*:*:*"),
])
def test_personal_shapes_are_masked(value: str, masked: str) -> None:
    assert mask_example(value, pii=None) == masked
    assert looks_personal(value)


@pytest.mark.parametrize("value", [
    "ORD-2024-000123",
    "ord_8f3a2b1c",
    "2024-01-15T10:30:00Z",
    "2024-01-15 10:30:00.123456+00:00",
    "2024-01-15",
    "10:30:00",
    "12345.67",
    "1234567.89",
    "-0.000123",
    "1.2.3",
    "v10.0.19041",
    "10.0.19041.1",
    "3.11.4-rc1",
    "npm@8.19.2",
    "user@localhost",
    "1700000000000",          # epoch ms (Luhn-valid, but not a card: first digit 1)
    "1700000000000000000",    # epoch ns
    "4111111111111112",       # 16 digits failing the Luhn check
    "123456789",
    "000123456789",
    "evt_abc123",
    "550e8400-e29b-41d4-a716-446655440000",
    "00:1A:2B:3C:4D:5E",
    "SKU-12-345-6789",
    "42",
    "",
    "true",
    "Premium",
])
def test_lookalikes_are_not_masked(value: str) -> None:
    assert mask_example(value, pii=None, column_name="value") == value
    assert not looks_personal(value)


def test_pii_false_shows_even_personal_values() -> None:
    assert mask_example("john@example.com", pii=False, column_name="email") == "john@example.com"


@pytest.mark.parametrize("value", ["john@example.com", "Premium", "", "42"])
def test_pii_true_masks_fully(value: str) -> None:
    assert mask_example(value, pii=True) == FULL_MASK


@pytest.mark.parametrize(("name", "value", "masked"), [
    ("ssn", "123-45-6789", "***-**-****"),
    ("customer_ssn", "123456789", "*********"),
    ("email", "not provided", "*** ******ed"),
    ("customerEmail", "JOHN SMITH", "**** *****"),
    ("ip", "1.2.3.4", "1.2.*.*"),
    ("phone_number", "5551234567", "********67"),
    ("credit_card_number", "4111111111111112", "**************12"),
    ("cardNumber", "x", "*"),
    ("billing.email", "jane@example.com", "j***@example.com"),
])
def test_column_name_marks_values_personal(name: str, value: str, masked: str) -> None:
    assert mask_example(value, pii=None, column_name=name) == masked


@pytest.mark.parametrize("name", ["zip", "shipping_method", "description", "cardinality", "telemetry_id",
                                  "classname", "order_id"])
def test_harmless_column_names(name: str) -> None:
    assert mask_example("ABC-12345678", pii=None, column_name=name) == "ABC-12345678"


def test_version_column_keeps_dotted_quads() -> None:
    assert mask_example("1.2.3.4", pii=None, column_name="app_version") == "1.2.3.4"
    assert mask_example("1.2.3.4", pii=None, column_name="host") == "1.2.*.*"


def test_masks_reveal_at_most_their_hint() -> None:
    masked = mask_example("4000 0566 5566 5556", pii=None)
    assert masked == "**** **** **** 5556"
    assert re.sub(r"\D", "", masked) == "5556"
    assert mask_example("+1 555 987 6543", pii=None).count("*") == 9


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from([None, True, False]), st.text(max_size=20))
def test_never_raises_and_is_deterministic(value: str, pii: bool | None, name: str) -> None:
    first = mask_example(value, pii=pii, column_name=name)
    assert first == mask_example(value, pii=pii, column_name=name)
    if pii is False:
        assert first == value
    if pii is True:
        assert first == FULL_MASK


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z]{2,12}\.[a-z]{2,12}", fullmatch=True),
       st.from_regex(r"[a-z]{3,10}\.(com|org|net|io)", fullmatch=True))
def test_email_local_part_never_leaks(local: str, domain: str) -> None:
    masked = mask_example(f"{local}@{domain}", pii=None)
    assert masked == f"{local[0]}***@{domain}"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=11, max_size=17), st.sampled_from("23456"))
def test_generated_luhn_cards_are_masked(body: list[int], first: str) -> None:
    digits = first + "".join(map(str, body))
    total = 0
    for i, d in enumerate(int(c) for c in reversed(digits)):
        total += (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 == 0 else d
    card = digits + str((10 - total % 10) % 10)
    masked = mask_example(card, pii=None)
    assert masked == "*" * (len(card) - 4) + card[-4:]
