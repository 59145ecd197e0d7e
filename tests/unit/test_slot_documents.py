"""The slot search body's encoder: json.dumps's output, with already-encoded JSON spliced
in (p2p/api/slot_body.py)."""

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2p.api.slot_body import _JSON, _encode

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # any code point: quotes, backslashes, control characters, U+2028, astral
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=30,
)


@given(VALUES)
def test_writes_what_json_dumps_writes(value):
    assert _encode(value) == json.dumps(value, separators=(",", ":"))


@given(st.lists(VALUES, max_size=5), st.text())
def test_splices_encoded_json_in_as_it_is(items, key):
    fragments = [_JSON(json.dumps(item, separators=(",", ":"))) for item in items]
    document = {key: fragments, "tail": [_JSON("[]"), None]}
    expected = {key: items, "tail": [[], None]}
    assert _encode(document) == json.dumps(expected, separators=(",", ":"))


@pytest.mark.parametrize("value", [date(2026, 11, 24), {1, 2}, b"bytes", object()])
def test_refuses_what_a_slot_document_never_holds(value):
    with pytest.raises(TypeError):
        _encode({"slots": [value]})
