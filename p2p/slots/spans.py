"""Sets of instants as sorted, disjoint half-open spans of POSIX seconds.

Used for a reviewer's busy time (sorted once, then bisected per search) and for the
provider's chosen blocks of a week. Spans that touch are joined: [9:00, 9:15) and
[9:15, 9:30) are one stretch [9:00, 9:30).
"""

from bisect import bisect_right
from collections.abc import Iterable, Iterator


class SpanSet:
    __slots__ = ("starts", "ends", "_covered_before")

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(spans):
            if end <= start:
                continue
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        self.starts = starts
        self.ends = ends
        # _covered_before[i]: seconds covered by the spans before span i (for O(log n) sums).
        covered = [0]
        for start, end in zip(starts, ends, strict=True):
            covered.append(covered[-1] + end - start)
        self._covered_before = covered

    def __bool__(self) -> bool:
        return bool(self.starts)

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends, strict=True)

    def __repr__(self) -> str:
        return f"SpanSet({list(self)!r})"

    def inside(self, low: int, high: int) -> Iterator[tuple[int, int]]:
        """The parts of [low, high) this set covers, in order."""
        starts, ends = self.starts, self.ends
        index = bisect_right(ends, low)
        count = len(starts)
        while index < count and starts[index] < high:
            yield max(starts[index], low), min(ends[index], high)
            index += 1

    def outside(self, low: int, high: int) -> Iterator[tuple[int, int]]:
        """The parts of [low, high) this set does not cover, in order (half-open: a span
        ending at 10:00 leaves 10:00 free)."""
        starts, ends = self.starts, self.ends
        index = bisect_right(ends, low)
        count = len(starts)
        cursor = low
        while index < count and starts[index] < high:
            if starts[index] > cursor:
                yield cursor, starts[index]
            cursor = max(cursor, ends[index])
            index += 1
        if cursor < high:
            yield cursor, high

    def covered_seconds(self, low: int, high: int) -> int:
        """How many seconds of [low, high) the set covers."""
        if high <= low:
            return 0
        return self._covered_until(high) - self._covered_until(low)

    def _covered_until(self, moment: int) -> int:
        index = bisect_right(self.starts, moment)  # spans starting at or before moment
        if index == 0:
            return 0
        return (
            self._covered_before[index - 1]
            + min(self.ends[index - 1], moment)
            - (self.starts[index - 1])
        )


EMPTY = SpanSet()
