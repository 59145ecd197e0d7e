"""The appointment use cases. Each reads top to bottom: load (`scheduling`), decide (the
engine's `decide_time`, the status machine), write (`reservations`), record (`records`).

- `booking.book`: a new appointment (with `Idempotency-Key`);
- `changes.reschedule`, `changes.cancel`, `changes.complete_past` (a job);
- `holds.hold`, `holds.release_hold`, `holds.sweep_expired_holds` (a job);
- `reconcile.reconcile_case`: a case update reaching its upcoming appointments;
- `queries`: one appointment, a provider's, a reviewer's days and feed, a history.
"""
