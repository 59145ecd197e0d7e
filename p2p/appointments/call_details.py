"""How the call is reached, in words: the phone numbers, the contact person, the contact
instructions and who performs the P2P on the provider's side (DOMAIN.md, Confirmation).
One wording for the calendar files and the emails. Only what the provider's office typed
in the contact form: no member data."""

from p2p.appointments.values import Contact, Performer
from p2p.vocabulary import CONTACT_PERSON, REQUESTING_PROVIDER, SOMEONE_ELSE

PERFORMER_WORDS = {
    REQUESTING_PROVIDER: "requesting provider",
    CONTACT_PERSON: "contact person",
    SOMEONE_ELSE: "someone else",
}


def joined(*parts: str | None) -> str:
    return ", ".join(part for part in parts if part)


def phone(number: str | None, extension: str | None) -> str | None:
    if not number:
        return None
    return f"{number} ext. {extension}" if extension else number


def performer(details: Performer) -> str | None:
    """ "Dr. Jane Doe, MD (requesting provider)", "John Doe, Provider Office (contact person)"."""
    if details.kind == REQUESTING_PROVIDER:
        who = joined(details.name, details.credential)
    else:
        person = " ".join(p for p in (details.first_name, details.last_name) if p)
        who = joined(person, details.location)
    if not who:
        return None
    label = PERFORMER_WORDS.get(details.kind)
    return f"{who} ({label})" if label else who


def contact_lines(contact: Contact, performer_details: Performer) -> list[str]:
    """The lines that tell how to reach the provider's side, each only when given."""
    lines = []
    for label, number, extension in (
        ("Phone", contact.phone, contact.phone_ext),
        ("Alternate phone", contact.alt_phone, contact.alt_phone_ext),
    ):
        if text := phone(number, extension):
            lines.append(f"{label}: {text}")
    if person := joined(contact.name, contact.location):
        lines.append(f"Contact: {person}")
    if contact.instructions:
        lines.append(f"Instructions: {contact.instructions}")
    if who := performer(performer_details):
        lines.append(f"Performed by: {who}")
    return lines
