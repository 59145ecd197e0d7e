"""A realistic demo population of medical directors, made from a fixed seed.

About 300 reviewers over 50 specialties and the seeds' case types, in US zones including
Arizona (no DST), Alaska and Hawaii, with varied weekly hours and some time off. The same
seed gives the same people, so the README's examples keep working.
"""

import random
from datetime import date, datetime, timedelta

import pytz

# The seeds' programs ([000] PT/OT/ST, [001] MSK pain, [002] MSK spine and joint, [004]
# radiology, radiation oncology ...) -> the specialties that review them.
CASE_TYPES = {
    "MSK Spine Surgery": ["orthopedic_surgery", "neurosurgery", "physical_medicine_rehabilitation"],
    "MSK Joint Surgery": ["orthopedic_surgery", "sports_medicine", "hand_surgery"],
    "Interventional Pain": ["pain_medicine", "anesthesiology", "physical_medicine_rehabilitation"],
    "PT/OT/ST": [
        "physical_therapy",
        "occupational_therapy",
        "speech_language_pathology",
        "physical_medicine_rehabilitation",
    ],
    "Radiation Oncology": ["radiation_oncology"],
    "Radiology": ["diagnostic_radiology", "interventional_radiology", "nuclear_medicine"],
    "Cardiology": ["cardiology", "interventional_cardiology", "electrophysiology"],
    "Medical Oncology": ["medical_oncology", "hematology"],
    "Sleep Management": ["sleep_medicine", "pulmonology"],
    "Gastroenterology": ["gastroenterology", "colorectal_surgery"],
}
OTHER_SPECIALTIES = [
    "family_medicine",
    "internal_medicine",
    "pediatrics",
    "pediatric_orthopedics",
    "rheumatology",
    "neurology",
    "emergency_medicine",
    "general_surgery",
    "vascular_surgery",
    "thoracic_surgery",
    "urology",
    "obstetrics_gynecology",
    "otolaryngology",
    "ophthalmology",
    "dermatology",
    "endocrinology",
    "nephrology",
    "infectious_disease",
    "geriatrics",
    "psychiatry",
    "podiatry",
    "chiropractic",
    "plastic_surgery",
    "cardiothoracic_surgery",
    "allergy_immunology",
    "pathology",
    "occupational_medicine",
]
SPECIALTIES = sorted({s for names in CASE_TYPES.values() for s in names} | set(OTHER_SPECIALTIES))

ZONES = [  # (zone, home states, weight)
    ("America/New_York", ["NY", "PA", "FL", "GA", "NC", "OH", "MA", "NJ", "VA", "MI"], 30),
    ("America/Chicago", ["TX", "IL", "MN", "MO", "WI", "TN", "AL", "LA", "OK"], 25),
    ("America/Denver", ["CO", "UT", "NM", "MT"], 8),
    ("America/Phoenix", ["AZ"], 8),
    ("America/Los_Angeles", ["CA", "WA", "OR", "NV"], 19),
    ("America/Anchorage", ["AK"], 4),
    ("Pacific/Honolulu", ["HI"], 6),
]
ALL_STATES = sorted({state for _, states, _ in ZONES for state in states} | {"WV", "KY", "SC"})
HOURS = [  # weekly patterns, wall clock in the reviewer's zone
    {d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    {d: [["07:00", "15:30"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    {d: [["10:00", "19:00"]] for d in ("mon", "tue", "wed", "thu")},
    {d: [["09:00", "13:00"]] for d in ("mon", "wed", "fri")},
    {
        **{d: [["08:00", "16:00"]] for d in ("tue", "wed", "thu", "fri")},
        "sat": [["09:00", "12:00"]],
    },
    {d: [["06:00", "10:00"], ["15:00", "18:00"]] for d in ("mon", "tue", "thu")},
    {d: [["12:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
]
FIRST = [
    "Ann",
    "Bo",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jon",
    "Kemi",
    "Luis",
    "Maya",
    "Nikhil",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yara",
    "Zoe",
]
LAST = [
    "Lee",
    "Kim",
    "Patel",
    "Garcia",
    "Nguyen",
    "Smith",
    "Okafor",
    "Cohen",
    "Silva",
    "Ito",
    "Novak",
    "Haddad",
    "Brown",
    "Rossi",
    "Mensah",
    "Larsen",
    "Singh",
    "Moreau",
    "Alvarez",
    "Kowalski",
    "Tanaka",
    "Diaz",
    "Walker",
    "Ahmed",
]


def demo_reviewers(count: int = 300, seed: int = 2026) -> list[tuple[str, dict]]:
    """(reviewer_id, body as for PUT /api/v1/reviewers/{id})."""
    rng = random.Random(seed)
    zones = [zone for zone, _, weight in ZONES for _ in range(weight)]
    homes = {zone: states for zone, states, _ in ZONES}
    by_specialty = {s: [t for t, names in CASE_TYPES.items() if s in names] for s in SPECIALTIES}
    reviewers = []
    for n in range(count):
        # Every specialty has someone; the case-type specialties are the busy ones.
        primary = (
            SPECIALTIES[n]
            if n < len(SPECIALTIES)
            else rng.choice(
                [s for names in CASE_TYPES.values() for s in names] + OTHER_SPECIALTIES[:8]
            )
        )
        specialties = {primary} | ({rng.choice(SPECIALTIES)} if rng.random() < 0.2 else set())
        case_types = {t for s in specialties for t in by_specialty[s]}
        if not case_types:  # generalists review the broad programs
            case_types = {rng.choice(["PT/OT/ST", "Radiology", "Interventional Pain"])}
        zone = rng.choice(zones)
        states = {rng.choice(homes[zone])} | set(rng.sample(ALL_STATES, rng.randint(1, 9)))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        reviewers.append(
            (
                f"md-{n + 1:03d}",
                {
                    "name": f"Dr. {first} {last}",
                    # example.org: a domain reserved for examples (RFC 2606), never delivered.
                    "email": f"{first}.{last}.{n + 1}@reviewers.example.org".lower(),
                    "credentials": rng.choice(["MD", "MD", "MD", "DO"])
                    if "therapy" not in primary
                    else rng.choice(["PT, DPT", "OTR/L", "CCC-SLP"]),
                    "specialties": sorted(specialties),
                    "case_types": sorted(case_types),
                    "licensed_states": sorted(states),
                    "time_zone": zone,
                    "weekly_hours": rng.choice(HOURS),
                    "active": rng.random() > 0.03,
                },
            )
        )
    return reviewers


def demo_time_off(
    reviewers: list[tuple[str, dict]], today: date, seed: int = 2026
) -> list[tuple[str, datetime, datetime, str]]:
    """(reviewer_id, start, end, reason): a week's vacation for some, a day off for others,
    at midnight of the reviewer's own clock."""
    rng = random.Random(seed + 1)
    absences = []
    for reviewer_id, body in reviewers:
        zone = pytz.timezone(body["time_zone"])
        roll = rng.random()
        if roll < 0.10:
            first, days, reason = today + timedelta(days=rng.randint(3, 25)), 5, "Vacation"
        elif roll < 0.25:
            first, days, reason = today + timedelta(days=rng.randint(1, 20)), 1, "Day off"
        else:
            continue
        start = zone.localize(datetime.combine(first, datetime.min.time()))
        end = zone.localize(datetime.combine(first + timedelta(days=days), datetime.min.time()))
        absences.append((reviewer_id, start, end, reason))
    return absences
