"""Use cases: the only code that touches the database. The API and the pages call these
with plain values (and the settings, `p2p.config.Scheduling`) and get plain values back;
transactions are `p2p.database.transaction`.

- `cases`: what the portal knows of a case, and its P2P availability;
- `scheduling`: what scheduling reads (cases, calendars) and the one-time decision;
- `search`: a week of slots (with `answers`, the memo of recent ones);
- `appointments`: book, reschedule, cancel, hold, reconcile, read;
- `reviewers`, `policies`, `api_keys`: reference data; `reference`: its per-process copies.
"""
