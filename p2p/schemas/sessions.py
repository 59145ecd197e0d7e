"""Handing a signed-in user to the pages (API.md): the requests for a sign-in link, and
the link."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from p2p.schemas.cases import CASE_REF
from p2p.schemas.fields import EmailAddress, Npi, Text, text
from p2p.schemas.reviewers import REVIEWER_ID


class ProviderSessionSchema(Schema):
    """`POST /api/v1/provider-sessions`: the provider the portal signed in, and the cases
    to open with (none: the page opens on My P2P Requests)."""

    npi = Npi(required=True)
    name = text(200, metadata={"example": "Dr. Jane Doe"})
    email = EmailAddress(required=True, validate=validate.Length(max=254))
    case_refs = fields.List(
        Text(validate=CASE_REF), load_default=list, validate=validate.Length(max=10),
        metadata={"uniqueItems": True},
    )

    @validates("case_refs")
    def _distinct(self, value: list[str], **_):
        if len(set(value)) != len(value):
            raise ValidationError("A case appears twice.")


class ReviewerSessionSchema(Schema):
    """`POST /api/v1/reviewer-sessions`: the medical director to sign in."""

    reviewer_id = Text(required=True, validate=REVIEWER_ID)


class StaffSessionSchema(Schema):
    """`POST /api/v1/staff-sessions` (admin): who opens the operations report."""

    name = text(200, metadata={"example": "Pat Operations"})


class SignInLinkSchema(Schema):
    url = Text(
        metadata={
            "description": "Single use, valid 10 minutes; opens the page signed in. A link "
            "that may travel by email is used on a confirmation page."
        }
    )
    expires_at = fields.DateTime()
