"""The domain's words, each defined once (DOMAIN.md, API.md).

Every layer spells these values from here: the eligibility and slot engines, the tables'
CHECK constraints (p2p/models.py), the API's enums (p2p/schemas) and the pages. Pure: this
module imports nothing.
"""

# A case, as the portal knows it -------------------------------------------------------------

COMMERCIAL = "commercial"
MEDICARE = "medicare"  # Medicare Advantage included [000][002]
MEDICAID = "medicaid"
CHIP = "chip"
LINES_OF_BUSINESS = (COMMERCIAL, MEDICARE, MEDICAID, CHIP)

PENDED = "pended"
DENIED = "denied"
PARTIALLY_APPROVED = "partially_approved"
APPROVED = "approved"
WITHDRAWN = "withdrawn"
CASE_STATUSES = (PENDED, DENIED, PARTIALLY_APPROVED, APPROVED, WITHDRAWN)
# [000][001] a partial approval has post-decision options for its denied codes.
ADVERSE_STATUSES = frozenset((DENIED, PARTIALLY_APPROVED))
# API.md: "the last four need determination_at".
DECIDED_STATUSES = (DENIED, PARTIALLY_APPROVED, APPROVED, WITHDRAWN)

# What a P2P can do for a case ---------------------------------------------------------------

OUTCOME_CHANGING = "outcome_changing"
CONSULTATIVE_ONLY = "consultative_only"
UNAVAILABLE = "unavailable"
OUTCOMES = (OUTCOME_CHANGING, CONSULTATIVE_ONLY, UNAVAILABLE)

# [001][004] the seeds' "Level of Review" labels.
PRE_DECISION_P2P = "Pre-Decision P2P"
RECONSIDERATION_P2P = "Reconsideration P2P"
CONSULTATIVE_P2P = "Consultative P2P"
LEVELS_OF_REVIEW = (PRE_DECISION_P2P, RECONSIDERATION_P2P, CONSULTATIVE_P2P)

# A health plan's post-decision options [004] "All Post Decision Options".
RECONSIDERATION = "reconsideration"
FIRST_LEVEL_APPEAL = "first_level_appeal"
SECOND_LEVEL_APPEAL = "second_level_appeal"
POST_DECISION_OPTIONS = (RECONSIDERATION, FIRST_LEVEL_APPEAL, SECOND_LEVEL_APPEAL)

CALENDAR_DAYS = "calendar_days"
BUSINESS_DAYS = "business_days"
WINDOW_UNITS = (CALENDAR_DAYS, BUSINESS_DAYS)

US = "us"
HEALTH_PLAN = "health_plan"
HANDLED_BY = (US, HEALTH_PLAN)

# A booked P2P -------------------------------------------------------------------------------

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
COMPLETED = "completed"
PROVIDER_NOT_REACHED = "provider_not_reached"
REVIEWER_UNAVAILABLE = "reviewer_unavailable"
APPOINTMENT_STATUSES = (
    SCHEDULED,
    CANCELLED,
    COMPLETED,
    PROVIDER_NOT_REACHED,
    REVIEWER_UNAVAILABLE,
)

# A call's outcome (API.md, Call outcomes): the call was held, or missed by one side.
HELD = "held"
CALL_RESULTS = (HELD, PROVIDER_NOT_REACHED, REVIEWER_UNAVAILABLE)
MISSED = (PROVIDER_NOT_REACHED, REVIEWER_UNAVAILABLE)
# What the held call decided, per case; `no_change_possible` only for a case that was
# consultative only at the call.
UPHELD = "upheld"
OVERTURNED = "overturned"
PARTIALLY_OVERTURNED = "partially_overturned"
NO_CHANGE_POSSIBLE = "no_change_possible"
DECISIONS = (UPHELD, OVERTURNED, PARTIALLY_OVERTURNED, NO_CHANGE_POSSIBLE)

# The earlier-slot waitlist (API.md): an entry, and each time offered to it.
WAITING = "waiting"
OFFERED = "offered"
EXPIRED = "expired"
CLOSED = "closed"
WAITLIST_STATUSES = (WAITING, OFFERED, EXPIRED, CLOSED)

# DOMAIN.md, Confirmation: "Who will perform the P2P".
REQUESTING_PROVIDER = "requesting_provider"
CONTACT_PERSON = "contact_person"
SOMEONE_ELSE = "someone_else"
PERFORMER_KINDS = (REQUESTING_PROVIDER, CONTACT_PERSON, SOMEONE_ELSE)

# The seeds' call notes (check boxes) [001][004].
ALT_REC_DECLINED = "alt_rec_declined"
PROCEDURE_PERFORMED_ON = "procedure_performed_on"
MD_SPECIALTY_MATCH_REQUESTED = "md_specialty_match_requested"
APPEAL_LOR_ATTESTATION = "appeal_lor_attestation"
OH_MEMBER_CONSENT = "oh_member_consent"
TX_LICENSE_WAIVED = "tx_license_waived"
TX_SPECIALTY_WAIVED = "tx_specialty_waived"
CALL_NOTE_FLAGS = (
    ALT_REC_DECLINED,
    MD_SPECIALTY_MATCH_REQUESTED,
    APPEAL_LOR_ATTESTATION,
    OH_MEMBER_CONSENT,
    TX_LICENSE_WAIVED,
    TX_SPECIALTY_WAIVED,
)

# What a member's state may require of the reviewer (state rules, data).
STATE_LICENSE = "state_license"
SAME_SPECIALTY = "same_specialty"
