"""Who may hold the call, and in which priority (API.md, Slots).

Only active reviewers trained for every case's type are offered ("The list of physicians
returned are all trained and prepared ..." [001][004]). Among them:

  priority 1  same specialty as every case AND licensed in every member's state
  priority 2  same specialty, not licensed in some member's state
  priority 3  licensed everywhere, lacks some case's specialty
  priority 4  neither

Specialty ranks above licence because the seeds group by "Priority by Skill", a provider
may ask for an "MD Specialty match", and the Texas rules ask first for the same specialty;
a licence alone says nothing of skill. State rules (`StateRule`, TX: licence and specialty)
do not move anyone: they say which reviewers need the provider's acknowledgement to book.
"""

from collections.abc import Iterable

from p2p.slots.results import Match, NoteNeeded, RuleBreach
from p2p.slots.values import CaseNeed, Reviewer, StateRule
from p2p.vocabulary import (
    OH_MEMBER_CONSENT,
    SAME_SPECIALTY,
    STATE_LICENSE,
    TX_LICENSE_WAIVED,
    TX_SPECIALTY_WAIVED,
)

MEMBER_CONSENT = "member_consent"
# Which call note answers which unmet requirement. The seeds' notes: "TX licensed physician -
# caller is aware P2P does not meet SSL (state licensed) match and wants to proceed per
# same-specialty match" (a missing licence), and "TX licensed same specialty - caller is
# aware P2P does not meet TX SSL/specialty match and wants to proceed" (either or both);
# "OH State Regulation: Member Consent obtained".
NOTES_FOR = {
    STATE_LICENSE: (TX_LICENSE_WAIVED, (TX_LICENSE_WAIVED, TX_SPECIALTY_WAIVED)),
    SAME_SPECIALTY: (TX_SPECIALTY_WAIVED, (TX_SPECIALTY_WAIVED,)),
    MEMBER_CONSENT: (OH_MEMBER_CONSENT, (OH_MEMBER_CONSENT,)),
}

PRIORITY_LABELS = {
    1: "1st Priority by Skill",
    2: "2nd Priority by Skill",
    3: "3rd Priority by Skill",
    4: "4th Priority by Skill",
}


_MATCHES = {
    (specialty, state_license): Match(specialty, state_license)
    for specialty in (True, False)
    for state_license in (True, False)
}


class Qualification:
    """What a set of cases asks of a reviewer, worked out once per search."""

    def __init__(self, cases: Iterable[CaseNeed], state_rules: Iterable[StateRule] = ()):
        cases = tuple(cases)
        rules = {rule.state: rule for rule in state_rules}
        self.case_types = frozenset(case.case_type for case in cases)
        self.specialties = frozenset(case.specialty for case in cases)
        self.states = frozenset(case.member_state for case in cases)
        self._ruled = [
            (case, rules[case.member_state]) for case in cases if case.member_state in rules
        ]
        # Consent is asked of the booking, whoever the reviewer: one note per case.
        self._consents = tuple(
            _note(MEMBER_CONSENT, case.case_ref, rule.state)
            for case, rule in self._ruled
            if rule.requires_member_consent
        )

    def trained(self, reviewer: Reviewer) -> bool:
        return reviewer.active and self.case_types <= reviewer.case_types

    def match(self, reviewer: Reviewer) -> Match:
        return _MATCHES[
            self.specialties <= reviewer.specialties, self.states <= reviewer.licensed_states
        ]

    def breaches(self, reviewer: Reviewer) -> tuple[RuleBreach, ...]:
        """Every (case, requirement) of a member state's rule this reviewer does not meet."""
        breaches = []
        for case, rule in self._ruled:
            if rule.requires_state_license and case.member_state not in reviewer.licensed_states:
                breaches.append(RuleBreach(case.case_ref, rule.state, STATE_LICENSE))
            if rule.requires_same_specialty and case.specialty not in reviewer.specialties:
                breaches.append(RuleBreach(case.case_ref, rule.state, SAME_SPECIALTY))
        return tuple(breaches)

    def notes_needed(
        self, reviewer: Reviewer, breaches: tuple[RuleBreach, ...] | None = None
    ) -> tuple[NoteNeeded, ...]:
        """The call notes a booking of this reviewer must carry, in case order."""
        if breaches is None:
            breaches = self.breaches(reviewer)
        found = [_note(b.requirement, b.case_ref, b.state) for b in breaches]
        return (*found, *self._consents)


def _note(requirement: str, case_ref: str, state: str) -> NoteNeeded:
    note, accepted = NOTES_FOR[requirement]
    return NoteNeeded(note, accepted, case_ref, state, requirement)


def is_trained(reviewer: Reviewer, case_types: Iterable[str]) -> bool:
    return reviewer.active and frozenset(case_types) <= reviewer.case_types


def match_for(reviewer: Reviewer, cases: Iterable[CaseNeed]) -> Match:
    return Qualification(cases).match(reviewer)


def priority_of(match: Match) -> int:
    if match.specialty:
        return 1 if match.state_license else 2
    return 3 if match.state_license else 4


def rule_breaches(
    reviewer: Reviewer, cases: Iterable[CaseNeed], state_rules: Iterable[StateRule]
) -> tuple[RuleBreach, ...]:
    """Every (case, requirement) of a member state's rule this reviewer does not meet."""
    return Qualification(cases, state_rules).breaches(reviewer)
