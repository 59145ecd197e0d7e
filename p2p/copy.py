"""The words people read on the pages, in one place, in the seeds' own wording where they
have one (DOMAIN.md, Scheduling). The API's descriptions use the same words for the same
fields; the messages a refused request gets come from the schemas and the domain core,
and the pages show those same messages.
"""

STEPS = ("Case Info", "Questions", "Schedule", "Confirmation")

ELIGIBILITY = {
    "outcome_changing": "P2P Eligible",
    "consultative_only": "P2P Eligible: consultative only",
    "unavailable": "No P2P available",
}

STATUS = {
    "scheduled": "Scheduled",
    "cancelled": "Cancelled",
    "completed": "Completed",
    "provider_not_reached": "Provider not reached",
    "reviewer_unavailable": "Reviewer unavailable",
    "awaiting_outcome": "Awaiting outcome",  # the pages' word for a passed call, unrecorded
}

POST_DECISION_OPTIONS = {
    "reconsideration": "Reconsideration",
    "first_level_appeal": "First Level Appeal",
    "second_level_appeal": "Second Level Appeal",
}

# A call's outcome, as the medical director records it and everyone reads it.
RESULTS = {
    "held": "Held",
    "provider_not_reached": "Provider not reached",
    "reviewer_unavailable": "Reviewer unavailable",
}
DECISIONS = {
    "upheld": "Upheld",
    "overturned": "Overturned",
    "partially_overturned": "Partially overturned",
    "no_change_possible": "No change possible (consultative only)",
}

HANDLED_BY = {"us": "through us", "health_plan": "through the health plan"}

# The seeds' call notes (check boxes) [001][004].
CALL_NOTES = {
    "alt_rec_declined": "ALT REC declined",
    "procedure_performed": "Procedure was performed on",
    "md_specialty_match_requested": "Caller requested MD Specialty match",
    "appeal_lor_attestation": "Appeal LOR attestation requirement",
    "oh_member_consent": "OH State Regulation: Member Consent obtained",
    "tx_license_waived": (
        "TX licensed physician - caller is aware P2P does not meet SSL (state licensed) "
        "match and wants to proceed per same-specialty match"
    ),
    "tx_specialty_waived": (
        "TX licensed same specialty - caller is aware P2P does not meet TX SSL/specialty "
        "match and wants to proceed"
    ),
}

FIELDS = {
    "requesting_provider.name": "Name of provider requesting P2P",
    "requesting_provider.email": "Requesting provider email",
    "contact.name": "Contact person name",
    "contact.location": "Contact person location",
    "contact.phone": "Phone number for P2P",
    "contact.phone_ext": "Extension",
    "contact.alt_phone": "Alternate phone",
    "contact.alt_phone_ext": "Extension",
    "contact.instructions": "Contact instructions",
    "performer.kind": "Who will perform the P2P?",
    "performer.name": "Name of referring physician",
    "performer.credential": "Credential",
    "performer.first_name": "First name",
    "performer.last_name": "Last name",
    "performer.location": "Location",
    "call_notes.procedure_performed_on": "Date the procedure was performed",
    "acknowledge_consultative_only": "I understand",
    "reason": "Reason for cancelling",
    "case_ref": "Case number",
    "dob": "Member date of birth",
    "time_zone": "Your time zone",
    "result": "How did the call go?",
    "cases": "Decision",
    "note": "Note",
    "days": "Preferred days",
    "hours": "Preferred times",
}

PERFORMERS = {
    "requesting_provider": "Requesting provider",
    "contact_person": "Contact person",
    "someone_else": "Someone else",
}

DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday"}

# The time zones offered first (the US's), then every other IANA zone.
US_ZONES = (
    ("America/New_York", "Eastern"),
    ("America/Chicago", "Central"),
    ("America/Denver", "Mountain"),
    ("America/Phoenix", "Arizona (Mountain, no daylight saving)"),
    ("America/Los_Angeles", "Pacific"),
    ("America/Anchorage", "Alaska"),
    ("Pacific/Honolulu", "Hawaii"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico, U.S. Virgin Islands)"),
    ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
    ("Pacific/Pago_Pago", "Samoa (American Samoa)"),
)

LINK_PROBLEMS = {
    "used": "This sign-in link has been used already.",
    "expired": "This sign-in link has expired.",
    "unknown": "This sign-in link is not one we gave out, or it was copied incompletely.",
}
LINK_HELP = {
    "provider": (
        "Sign-in links work once, for 10 minutes. Go back to the portal's Authorization "
        "Lookup and choose Request Peer to Peer Consultation again for a new link."
    ),
    "reviewer": (
        "Sign-in links work once, for 10 minutes. Open your P2P calendar from the portal "
        "again for a new link."
    ),
    "staff": "Sign-in links work once, for 10 minutes. Ask for a new link to the report.",
}

# An appointment's history, as its provider and reviewer read it.
EVENTS = {
    "created": "Scheduled",
    "rescheduled": "Moved to this time",
    "cancelled": "Cancelled",
    "case_removed": "A case was removed (its decision changed)",
    "case_updated": "A case's P2P window changed",
    "completed": "Call completed",
    "call_notes_updated": "Call notes changed",
    "outcome_recorded": "Outcome recorded",
}


def call_notes(notes) -> list[str]:
    """The checked call notes of an appointment (a `CallNotes`), in the seeds' wording."""
    shown = []
    for name, label in CALL_NOTES.items():
        if getattr(notes, name, False):
            if name == "procedure_performed" and notes.procedure_performed_on:
                day = notes.procedure_performed_on
                label = f"{label} {day.month}/{day.day}/{day.year}"
            shown.append(label)
    return shown


def performer(performer) -> str:
    """Who performs the P2P (a `Performer`), in a line."""
    if performer.kind == "requesting_provider":
        return f"Requesting provider: {performer.name}, {performer.credential}"
    who = " ".join(part for part in (performer.first_name, performer.last_name) if part)
    where = f" ({performer.location})" if performer.location else ""
    return f"{PERFORMERS.get(performer.kind, performer.kind)}: {who}{where}"


# The pages' own refusals and failures: (title, what to do).
PAGE_ERRORS = {
    400: ("This form has expired", "Go back, reload the page and send it again."),
    404: ("Page not found", "The address may be mistyped, or the page is not yours to see."),
    405: ("Page not found", "The address may be mistyped."),
    410: ("This link cannot be used", "It was used already, or it has expired."),
    429: ("Too many attempts", "Wait a little before trying again."),
    500: ("Sorry, something went wrong on our side", "Nothing was changed. Try again."),
    503: ("The service is busy", "Nothing was changed."),
}

# The schemas' word for a required field left empty, and what the pages say instead (GOV.UK:
# "Enter ...", "Choose ...").
MISSING = ("Missing data for required field.", "Field may not be null.")
ASK = {
    "performer.kind": "Choose who will perform the P2P.",
    "dob": "Enter the member's date of birth.",
    "case_ref": "Enter the case number.",
    "reason": "Enter the reason for cancelling.",
    "time_zone": "Choose your time zone.",
    # Radios and check boxes are chosen, not entered.
    "result": "Choose how the call went.",
    "cases": "Choose a decision for each case of the call.",
    "days": "Choose at least one preferred day.",
    "hours": "Choose at least one preferred time.",
    "acknowledge_consultative_only": "Confirm that you understand this P2P will be "
    "consultative only.",
    "call_notes.procedure_performed": "Choose whether the procedure was performed.",
}


def acknowledge_consultative_only(case_refs: str) -> str:
    """What the Confirmation step asks when the consultative-only box is left unticked."""
    return f"Confirm that you understand this P2P will be consultative only for {case_refs}."


def field_message(path: str, message: str) -> str:
    """A refusal as the pages show it beside the field."""
    if message not in MISSING:
        return message
    if path in ASK:
        return ASK[path]
    label = FIELDS.get(path)
    if not label or label.endswith("?"):  # a question is not a noun: "Enter the how ...?"
        return "Required."
    return f"Enter the {label[0].lower()}{label[1:]}."
