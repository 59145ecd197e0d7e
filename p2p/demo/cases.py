"""The demo's cases: one for every eligibility outcome the rules can give, with fictional
members, relative to "now" so the demo answers the same way whatever the day."""

from datetime import datetime, timedelta

import pytz

EASTERN = pytz.timezone("America/New_York")
DEMO_PREFIX = "DEMO-"
# Fictional members; NPIs pass the check digit.
PROVIDER = {"npi": "1234567893", "name": "Dr. Jane Doe"}


def _eastern(now: datetime, days: int, hour: int = 15) -> datetime:
    """`days` from today (Eastern), at `hour` o'clock Eastern."""
    day = now.astimezone(EASTERN).date() + timedelta(days=days)
    # A wall-clock time made aware the pytz way (localize), never with tzinfo=.
    return EASTERN.localize(datetime(day.year, day.month, day.day, hour, 4))  # noqa: DTZ001


def demo_cases(now: datetime) -> list[tuple[str, dict]]:
    """(case_ref, body) for every eligibility outcome the rules can give."""

    def case(
        ref,
        plan,
        line,
        status,
        *,
        dob,
        state="PA",
        days=-1,
        due=None,
        case_type="MSK Spine Surgery",
        specialty="orthopedic_surgery",
        **flags,
    ):
        body = {
            "episode_id": f"E-{ref}",
            "member": {
                "name": f"Demo Member {ref}",
                "dob": dob,
                "state": state,
                "member_id": f"M-{ref}",
            },
            "health_plan": plan,
            "line_of_business": line,
            "status": status,
            "determination_at": None if status == "pended" else _eastern(now, days).isoformat(),
            "info_due_at": _eastern(now, due, 17).isoformat() if due is not None else None,
            "additional_info_received": False,
            "appeal_filed": False,
            "reconsideration_completed": False,
            "service_rendered": False,
            "case_type": case_type,
            "specialty": specialty,
            "ordering_provider": PROVIDER,
        }
        body.update(flags)
        return DEMO_PREFIX + ref, body

    return [
        case("MEDICAID-OPEN", "aetna-better-health", "medicaid", "denied", dob="1961-04-02"),
        case(
            "MEDICAID-CLOSED",
            "health-partners-plans",
            "medicaid",
            "denied",
            dob="1958-09-30",
            days=-12,
        ),
        case(
            "COMMERCIAL-OPEN",
            "the-health-plan",
            "commercial",
            "denied",
            dob="1975-01-15",
            days=-20,
            state="TX",
        ),
        case(
            "PARTIAL",
            "the-health-plan",
            "commercial",
            "partially_approved",
            dob="1982-06-11",
            days=-2,
            case_type="MSK Joint Surgery",
        ),
        case(
            "CHIP-OPEN",
            "the-health-plan",
            "chip",
            "denied",
            dob="2014-03-08",
            days=-3,
            state="WV",
            case_type="PT/OT/ST",
            specialty="physical_therapy",
        ),
        case("MEDICARE", "the-health-plan", "medicare", "denied", dob="1948-12-24", days=-1),
        case(
            "PENDED",
            "the-health-plan",
            "commercial",
            "pended",
            dob="1990-07-04",
            due=3,
            case_type="Interventional Pain",
            specialty="pain_medicine",
        ),
        case(
            "PENDED-INFO-IN",
            "the-health-plan",
            "commercial",
            "pended",
            dob="1966-02-28",
            due=2,
            additional_info_received=True,
        ),
        case("PENDED-LATE", "the-health-plan", "commercial", "pended", dob="1970-10-10", due=-1),
        case(
            "APPEAL-FILED",
            "the-health-plan",
            "commercial",
            "denied",
            dob="1979-05-05",
            days=-5,
            appeal_filed=True,
        ),
        case(
            "RECON-DONE",
            "the-health-plan",
            "commercial",
            "denied",
            dob="1985-08-19",
            days=-6,
            reconsideration_completed=True,
        ),
        case(
            "RENDERED",
            "the-health-plan",
            "commercial",
            "denied",
            dob="1955-11-11",
            days=-4,
            service_rendered=True,
        ),
        case("APPROVED", "the-health-plan", "commercial", "approved", dob="1988-01-01", days=-1),
        case("WITHDRAWN", "the-health-plan", "commercial", "withdrawn", dob="1992-12-12", days=-1),
    ]
