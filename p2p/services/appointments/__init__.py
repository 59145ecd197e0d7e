"""The appointment use cases. Each reads top to bottom: load (`scheduling`), decide (the
engine's `decide_time`, the status machine), write (`reservations`), record (`records`).

- `booking.book`: a new appointment (with `Idempotency-Key`);
- `changes.reschedule`, `changes.cancel`, `changes.complete_past` (a job);
- `holds.hold`, `holds.sweep_expired_holds` (a job);
- `outcomes.record_outcome`: a call held or missed (a miss emails a rebooking link);
- `waitlist`: joining, and a freed time held for the first waiting entry (`offer_freed`,
  in the transaction that frees it; `release_hold`; `pass_expired_offers`, a job);
- `reconcile.reconcile_case`: a case update reaching its upcoming appointments;
- `queries`: one appointment, a provider's, a reviewer's days and feed, a history.
"""
