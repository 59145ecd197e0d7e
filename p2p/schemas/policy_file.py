"""The policy file (`flask p2p load-policies FILE`, and the defaults the demo loads): read
and validated through `PolicyFileSchema`, every bad entry named."""

import json
from pathlib import Path

from marshmallow import ValidationError

from p2p.schemas.errors import flatten_messages
from p2p.schemas.policies import PolicyFileSchema

DEFAULT_POLICY_FILE = Path(__file__).parent.parent / "defaults" / "policies.json"


class PolicyFileError(ValueError):
    """A file that cannot be loaded; the message names every problem."""


def read_policy_file(path: Path) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PolicyFileError(f"{path}: cannot read a JSON policy file: {error}") from error
    try:
        return PolicyFileSchema().load(raw)
    except ValidationError as error:
        problems = "\n".join(
            f"  {field}: {'; '.join(messages)}"
            for field, messages in flatten_messages(error.messages).items()
        )
        message = f"{path}: nothing loaded, the file has errors:\n{problems}"
        raise PolicyFileError(message) from error
