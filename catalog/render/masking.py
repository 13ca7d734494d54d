"""Mask personal data in the example values DATA_CATALOG.md shows.

Examples come from curated catalog.yaml entries and, more often, from column statistics
(a Parquet footer's ``min`` is a real customer's e-mail). The catalog is committed and
read widely, so anything that looks personal is masked unless someone said it is not.

Masks keep a small, fixed hint so a reader still sees what kind of value the column
holds (``j***@example.com``, ``***-***-**67``, ``**** **** **** 1111``, ``192.168.*.*``);
they never depend on anything but the value, so the catalog stays deterministic.

Example:
    >>> mask_example("jane.doe@example.com", pii=None)
    'j***@example.com'
    >>> mask_example("ORD-2024-000123", pii=None)
    'ORD-2024-000123'
"""

from __future__ import annotations

import functools
import ipaddress
import re

#: What a value marked ``pii: true`` becomes: nothing of it survives, not even its length.
FULL_MASK = "***"

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])"
    r"([A-Za-z0-9._%+-]{1,64})@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
    r"(?![A-Za-z0-9-])"
)

# North-American numbers: a real area code never starts with 0 or 1 (the exchange is left
# free, as the "555-123-4567" numbers of samples and tests are the ones most often seen).
_PHONE_NANP_RE = re.compile(r"^(?:1[ .-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .-])[0-9]{3}[ .-][0-9]{4}$")
# National numbers with a trunk 0 (UK, EU...): "020 7946 0958", "(030) 1234 5678".
_PHONE_TRUNK_RE = re.compile(r"^(?:0[0-9]{1,4}|\(0[0-9]{1,4}\))[ -]?[0-9]{3,4}[ -][0-9]{3,4}$")
# International numbers written with "+": the digits and the usual separators only.
_PHONE_INTL_RE = re.compile(r"^\+[0-9][0-9 ().-]*[0-9]$")
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_CARD_RE = re.compile(r"^[0-9]{13,19}$|^[0-9]{4}(?:([ -])[0-9]{1,6})+$")
_IPV4_RE = re.compile(r"^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(/[0-9]{1,2})?$")
_IPV6_CHARS_RE = re.compile(r"^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?(?:/[0-9]{1,3})?$")

_HAS_DIGIT_OR_AT_RE = re.compile(r"[0-9@]")
_CAMEL_RE = re.compile(r"([a-z0-9])([A-Z])")
_TOKEN_SPLIT_RE = re.compile(r"[^a-z0-9]+")

# Column-name words that say the values are personal whatever they look like.
_PII_TOKENS = frozenset({
    "email", "emails", "mail", "phone", "phones", "mobile", "telephone", "tel", "fax", "msisdn",
    "ssn", "nino", "ip", "ips", "ipv4", "ipv6", "card", "cc", "ccn", "pan", "cvv", "iban",
    "passport", "password", "passwd", "dob", "birthdate", "birthday",
})
_PII_PREFIXES = ("email", "phone", "ipaddr", "creditcard", "cardnum", "socialsecurity", "taxid")
_PII_SUFFIXES = ("email", "phone", "phonenumber", "ipaddress", "ipaddr")
# Column-name words under which a dotted quad is a version, not an address.
_VERSION_TOKENS = frozenset({"version", "ver", "release", "build", "semver", "firmware"})


def mask_example(value: str, *, pii: bool | None, column_name: str = "") -> str:
    """Mask ``value`` for display as a column example.

    ``pii`` False shows the value as is; True masks it fully; None (nobody said) masks
    values shaped like e-mail addresses, phone numbers, payment card numbers or IP
    addresses, and any value of a column whose name says it is personal (``email``,
    ``phone``, ``ssn``, ``ip``, ``card``...).
    """
    if pii is False:
        return value
    if pii is True:
        return FULL_MASK
    tokens = _name_tokens(column_name)
    masked = _mask_by_shape(value, allow_ip=not (tokens & _VERSION_TOKENS))
    if masked is not None:
        return masked
    if _name_says_pii(tokens):
        return _mask_generic(value)
    return value


def looks_personal(value: str) -> bool:
    """Whether :func:`mask_example` with ``pii=None`` would change ``value`` by its shape alone."""
    return _mask_by_shape(value, allow_ip=True) is not None


def _mask_by_shape(value: str, *, allow_ip: bool) -> str | None:
    """The masked value if it has a personal shape, else ``None``."""
    if not _HAS_DIGIT_OR_AT_RE.search(value):  # every shape below needs a digit, or an @ for e-mail
        return None
    if "@" in value:
        masked = _EMAIL_RE.sub(_mask_email, value)
        if masked != value:
            return masked
    text = value.strip()
    if not text or len(text) > 64:
        return None
    card = _mask_card(text)
    if card is not None:
        return card
    if allow_ip:
        ip = _mask_ipv4(text) or _mask_ipv6(text)
        if ip is not None:
            return ip
    return _mask_phone(text)


def _mask_email(match: re.Match[str]) -> str:
    local, domain = match.group(1), match.group(2)
    hint = local[0] if len(local) > 1 and local[0].isalnum() else ""
    return f"{hint}***@{domain}"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask_card(text: str) -> str | None:
    """Mask a Luhn-valid 13-19 digit number, keeping the last four digits.

    The first digit must be 2-6 (the major industry identifiers of payment networks):
    this keeps epoch timestamps in milli/nanoseconds (``1700000000000``), which pass the
    Luhn check one time in ten, from being taken for cards.
    """
    match = _CARD_RE.match(text)
    if match is None:
        return None
    separator = match.group(1)
    if separator is not None and any(sep != separator for sep in re.findall(r"[ -]", text)):
        return None
    digits = re.sub(r"[ -]", "", text)
    if not 13 <= len(digits) <= 19 or digits[0] not in "23456" or not _luhn_ok(digits):
        return None
    return _mask_digits(text, keep=4)


def _mask_ipv4(text: str) -> str | None:
    match = _IPV4_RE.match(text)
    if match is None:
        return None
    octets = match.group(1, 2, 3, 4)
    if any(int(o) > 255 or (len(o) > 1 and o[0] == "0") for o in octets):
        return None
    return f"{octets[0]}.{octets[1]}.*.*{match.group(5) or ''}"


def _mask_ipv6(text: str) -> str | None:
    if text.count(":") < 2 or _IPV6_CHARS_RE.match(text) is None:
        return None
    address, _, prefix = text.partition("/")
    try:
        parsed = ipaddress.IPv6Address(address.partition("%")[0])
    except ValueError:
        return None
    head = [group.lstrip("0") or "0" for group in parsed.exploded.split(":")[:2]]
    return ":".join(head + ["*"] * 6) + (f"/{prefix}" if prefix else "")


def _mask_phone(text: str) -> str | None:
    digits = sum(c.isdigit() for c in text)
    if text.startswith("+"):
        if not 8 <= digits <= 15 or _PHONE_INTL_RE.match(text) is None or _ISO_DATE_RE.search(text):
            return None
    elif _PHONE_NANP_RE.match(text) is None and _PHONE_TRUNK_RE.match(text) is None:
        return None
    return _mask_digits(text, keep=2)


def _mask_digits(text: str, *, keep: int) -> str:
    """Replace every ASCII digit but the last ``keep`` with ``*``; separators stay."""
    total = sum(c in "0123456789" for c in text)
    out: list[str] = []
    seen = 0
    for char in text:
        if char in "0123456789":
            seen += 1
            out.append(char if seen > total - keep else "*")
        else:
            out.append(char)
    return "".join(out)


def _mask_generic(value: str) -> str:
    """Mask a personal value of no known shape: letters and digits become ``*``,
    separators stay, and the last two survive only when at least eight are masked."""
    text = value.strip()
    alnum = sum(c.isalnum() for c in text)
    if alnum == 0:
        return FULL_MASK
    keep = 2 if alnum >= 10 else 0
    out: list[str] = []
    seen = 0
    for char in text:
        if char.isalnum():
            seen += 1
            out.append(char if seen > alnum - keep else "*")
        elif char.isspace() or char in "-./:@_()+":
            out.append(char)
        else:
            out.append("*")
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _name_tokens(column_name: str) -> frozenset[str]:
    """Lower-case words of a column name: ``customerEmail`` -> {customer, email}."""
    split = _CAMEL_RE.sub(r"\1_\2", column_name).lower()
    return frozenset(t for t in _TOKEN_SPLIT_RE.split(split) if t)


def _name_says_pii(tokens: frozenset[str]) -> bool:
    if tokens & _PII_TOKENS:
        return True
    return any(t.startswith(_PII_PREFIXES) or t.endswith(_PII_SUFFIXES) for t in tokens)
