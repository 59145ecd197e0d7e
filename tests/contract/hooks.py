"""schemathesis hooks for `make test-contract`: the formats this API's OpenAPI description
names beyond JSON Schema's own, so that generated data means what the fields enforce."""

import schemathesis
from hypothesis import strategies as st

from p2p.schemas.fields import npi_check_digit_ok


def _with_check_digit(first_nine: str) -> str:
    return next(
        first_nine + digit for digit in "0123456789" if npi_check_digit_ok(first_nine + digit)
    )


# `format: npi`: 10 digits whose last is the Luhn check digit (p2p.schemas.fields.Npi).
schemathesis.openapi.format(
    "npi", st.from_regex(r"\A[0-9]{9}\Z").map(_with_check_digit)
)
