"""JSON request bodies, read defensively before any schema sees them (the API's parser;
the pages use the same checks): a body that is not `application/json` is a 415 naming the
Content-Type, one nested past `MAX_DEPTH` or holding a NUL or a lone surrogate in any
string (keys too) is a 422 naming where. Size is bounded before this, by
`MAX_CONTENT_LENGTH` (413)."""

import json
from typing import Any

from flask import Request
from webargs import core
from webargs.flaskparser import FlaskParser

from p2p.errors import P2PError, ValidationFailed

MAX_DEPTH = 32  # our deepest body is 3 levels; past 32 it is an attack, not a request


class UnsupportedMediaType(P2PError):
    status = 415
    code = "unsupported_media_type"


def _path(parts: list) -> str:
    return ".".join(str(part) for part in parts) or "body"


def checked_json(raw: bytes) -> Any:
    """The parsed body, or ValidationFailed naming what is wrong and where."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationFailed.on("body", "The request body is not UTF-8.") from None
    except RecursionError:
        raise ValidationFailed.on("body", f"Nested deeper than {MAX_DEPTH} levels.") from None
    except ValueError:
        raise ValidationFailed.on("body", "The request body is not valid JSON.") from None
    stack = [(document, [], 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValidationFailed.on("body", f"Nested deeper than {MAX_DEPTH} levels.")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_string(key, [*path, key])
                stack.append((item, [*path, key], depth + 1))
        elif isinstance(value, list):
            stack.extend((item, [*path, index], depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_string(value, path)
    return document


def _check_string(value: str, path: list) -> None:
    if "\x00" in value:
        raise ValidationFailed.on(_path(path), "Contains a NUL character, which is not text.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationFailed.on(
            _path(path), "Contains a lone surrogate (\\ud800-\\udfff), which is not text."
        ) from None


def require_json(request: Request) -> None:
    if not core.is_json(request.mimetype):
        raise UnsupportedMediaType(
            "Content-Type: send the body as application/json.",
            {"Content-Type": [f"Must be application/json, not {request.mimetype or 'none'!r}."]},
        )


class BodyParser(FlaskParser):
    """webargs' Flask parser, reading JSON bodies through `checked_json`."""

    def _raw_load_json(self, req: Request) -> Any:
        require_json(req)
        raw = req.get_data(cache=True)
        if not raw:
            return core.missing
        return checked_json(raw)
