"""The fair order of reviewers within one priority group.

Least loaded first: fewest busy seconds (appointments and holds, not time off) inside the
searched week, so new calls go to whoever has had fewest. Ties, common early in a week,
are broken by a hash of the week and the reviewer id: stable for everyone who looks at the
same week (the list does not reshuffle on reload), different from week to week (the same
reviewer is not always on top), and never the order the reviewers were passed in. The id
itself settles the (astronomically unlikely) equal hashes.
"""

from datetime import date
from hashlib import blake2b


def fair_order_key(reviewer_id: str, busy_seconds: int, week_start: date) -> tuple:
    draw = blake2b(f"{week_start.isoformat()}|{reviewer_id}".encode(), digest_size=8).digest()
    return busy_seconds, draw, reviewer_id
