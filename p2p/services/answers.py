"""The answers of recent slot searches, kept per process for repeats (`AnswerMemo`)."""

import hashlib
import pickle  # noqa: S403 (dumps only, for a digest of rows the service itself read)
import threading
from collections import OrderedDict


class AnswerMemo:
    """The bodies of recent slot searches, by everything they were computed from.

    A search still reads its inputs afresh every time: the versions of the reviewers and
    policies, the cases (their eligibility at this instant), and every trained reviewer's
    bookings, holds and time off over the window searched. Only when all of them and the
    question asked are equal to a recent search's is that search's body sent again, without
    running the engine or rendering thousands of slots. So it never answers from data that
    has changed: a booking, a hold taken or expired, a cancellation or new time off changes
    the rows read, and misses. `now` counts to the quarter hour, as the engine's answer
    does (`SearchRequest.answer_key`). The rows enter the key as a BLAKE2b digest of their
    pickle (equal pickles are equal rows; a row order that differs only misses).

    Repeats are common: a provider paging back to a week, a booking form that fails and
    reloads, a portal showing the same case's times to each user who opens it. Bounded by
    the bytes of the bodies kept, least recently used first out; per app, so per process
    and database. `P2P_SLOT_ANSWERS_MB` sets the budget, 0 turns it off.
    """

    ENTRY_OVERHEAD = 1_024  # the key and the bookkeeping, roughly

    def __init__(self, budget_bytes: int):
        self._budget = budget_bytes
        self._used = 0
        self._bodies: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def digest(rows: list[tuple]) -> bytes:
        return hashlib.blake2b(pickle.dumps(rows, protocol=5), digest_size=32).digest()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        size = len(body) + self.ENTRY_OVERHEAD
        if size > self._budget:
            return
        with self._lock:
            old = self._bodies.pop(key, None)
            if old is not None:
                self._used -= len(old) + self.ENTRY_OVERHEAD
            self._bodies[key] = body
            self._used += size
            while self._used > self._budget:
                _, evicted = self._bodies.popitem(last=False)
                self._used -= len(evicted) + self.ENTRY_OVERHEAD

    def __len__(self) -> int:
        return len(self._bodies)

    @property
    def used_bytes(self) -> int:
        return self._used
