"""What the fuzz run needs beyond the document. Loaded by .ci/schemathesis.toml.

- The string format `npi`, which JSON Schema cannot say with a pattern: a National Provider
  Identifier, 10 digits whose last is a Luhn check digit over the others prefixed with 80840.
  The coverage phase builds values from the pattern alone, so a generated NPI also gets its
  check digit set before it is sent.
- One `X-Idempotency-Key` per request, as a real client sends: the generator reuses short
  strings ("0", "") across different bodies, which the API rightly refuses (422).
"""
import uuid

import schemathesis
from hypothesis import strategies as st

IDEMPOTENCY_HEADER = "X-Idempotency-Key"
# The header's documented maximum, less room for the suffix that makes a key unique.
UNIQUE_SUFFIX_ROOM = 255 - 33


def _with_check_digit(first_nine: int) -> str:
    body = f"{first_nine:09d}"
    total = 0
    # Luhn over "80840" + body + check digit: from the right, every second digit doubled,
    # starting with the last digit of the body.
    for i, ch in enumerate(reversed("80840" + body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


schemathesis.openapi.format("npi", st.integers(0, 999_999_999).map(_with_check_digit))


def _fix_npi(body):
    physician = body.get("physician") if isinstance(body, dict) else None
    npi = physician.get("npi") if isinstance(physician, dict) else None
    if isinstance(npi, str) and len(npi) == 10 and npi.isascii() and npi.isdigit():
        physician["npi"] = _with_check_digit(int(npi[:9]))


@schemathesis.hook
def before_call(context, case, kwargs):
    _fix_npi(case.body)
    headers = case.headers or {}
    key = headers.get(IDEMPOTENCY_HEADER)
    if not isinstance(key, str) or not key.strip():
        return
    suffix = f"-{uuid.uuid4().hex}"
    if len(key) <= UNIQUE_SUFFIX_ROOM:
        headers[IDEMPOTENCY_HEADER] = key + suffix
    elif len(key) <= 255:
        # A key at the documented maximum stays at it.
        headers[IDEMPOTENCY_HEADER] = key[: -len(suffix)] + suffix
