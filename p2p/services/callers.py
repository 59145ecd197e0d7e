"""Who is asking, as the use cases see it: a name for the audit trail and the outbox
(an API key's name, a page session's), and what it may see.

A caller limited to health plans (an API key made with `--health-plan`) sees and changes
only the cases and appointments of those plans; anything else is answered exactly like an
unknown id (404, or "unknown case" in a search or booking). A caller limited to one
provider (a page session, signed in by the portal for an NPI) sees only that provider's
appointments. An unlimited caller is the UM company's own portal, or an admin.
"""

from dataclasses import dataclass

from p2p.models import Appointment, Case


@dataclass(frozen=True, slots=True)
class Caller:
    name: str
    health_plans: frozenset[str] | None = None  # None: every plan
    npi: str | None = None  # a provider's session: only this provider's appointments
    reviewer_id: str | None = None  # a medical director's session: only their calls

    def covers(self, case: Case) -> bool:
        return self.health_plans is None or case.health_plan in self.health_plans

    def covers_plan(self, health_plan: str) -> bool:
        return self.health_plans is None or health_plan in self.health_plans

    def sees(self, appointment: Appointment) -> bool:
        if self.npi is not None and appointment.requesting_provider_npi != self.npi:
            return False
        if self.reviewer_id is not None and appointment.reviewer_id != self.reviewer_id:
            return False
        return self.health_plans is None or all(
            link.case.health_plan in self.health_plans for link in appointment.cases
        )


SCHEDULER = Caller("scheduler")
