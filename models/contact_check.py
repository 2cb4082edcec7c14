"""Is this real contact data? (PP-14: no empty or fake contacts.)

Pure Python on ``phonenumbers`` and Odoo's email tools, so that the rules are easy to read and test.
Each check returns None when the value is acceptable, else a short English reason that the caller
translates.
"""

import re

import phonenumbers

from odoo.tools import email_normalize

# Domains reserved for examples and tests (RFC 2606, RFC 6761) and throwaway stand-ins.
FAKE_DOMAINS = {
    "example.com",
    "example.org",
    "example.net",
    "test.com",
    "test.ru",
    "mail.test",
    "localhost",
    "domain.com",
    "email.com",
    "site.ru",
    "mail.example",
}
FAKE_TLDS = {"example", "test", "invalid", "localhost", "local"}
FAKE_LOCAL_PARTS = {
    "test",
    "tests",
    "testing",
    "asdf",
    "qwerty",
    "none",
    "no",
    "noemail",
    "nomail",
    "no-reply",
    "noreply",
    "fake",
    "xxx",
    "aaa",
    "abc",
    "email",
    "mail",
    "user",
    "client",
    "123",
}
SEQUENCES = "0123456789", "9876543210"


def phone_problem(phone, country_code):
    """Why ``phone`` is not a real number for ``country_code`` (ISO 3166 alpha-2), or None."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return "empty"
    if len(set(digits)) == 1:
        return "all digits are the same"
    try:
        number = phonenumbers.parse(phone, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return "not a phone number"
    national = str(number.national_number)
    if len(national) < 6:
        return "too short"
    if len(set(national)) == 1:
        return "all digits are the same"
    if any(national[-7:] in sequence for sequence in SEQUENCES):
        return "sequential digits"
    if not phonenumbers.is_valid_number(number):
        return "not a valid number for the country"
    return None


def email_problem(email):
    """Why ``email`` is not a real address, or None."""
    normalized = email_normalize(email or "", strict=True)
    if not normalized:
        return "empty" if not (email or "").strip() else "not an email address"
    local, _at, domain = normalized.rpartition("@")
    domain_name = domain.split(".")[0]
    if domain in FAKE_DOMAINS or domain.rsplit(".", 1)[-1] in FAKE_TLDS or "." not in domain:
        return "an example or test domain"
    if local in FAKE_LOCAL_PARTS or local == domain_name or domain_name in ("test", "example", "fake"):
        return "a placeholder address"
    return None
