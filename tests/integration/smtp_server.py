"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 in a thread, recording what it got.

- `Recorder`: accepts everything and keeps each message (envelope and raw bytes).
- `Recorder(rcpt_failures=N)`: answers the first N RCPT commands with a 451 (try later).
- `Recorder(data_failures=N)`: reads the first N messages, keeps them in `refused`, and
  answers 451 to the data (the client cannot tell whether it was delivered).
- `Recorder(rcpt_reply="550 ...")`: refuses every recipient for good.
- `Recorder(delay=s)`: waits before accepting the data (widens races).
"""

import asyncio
import contextlib
import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=policy.default)


class Recorder:
    def __init__(
        self,
        *,
        rcpt_failures: int = 0,
        data_failures: int = 0,
        rcpt_reply: str | None = None,
        delay: float = 0.0,
    ):
        self.rcpt_failures = rcpt_failures
        self.data_failures = data_failures
        self.rcpt_reply = rcpt_reply
        self.delay = delay
        self.received: list[Received] = []
        self.refused: list[Received] = []
        self.rcpt_attempts = 0
        self.port: int | None = None  # set by `smtp_server`
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self._lock:
            self.rcpt_attempts += 1
            if self.rcpt_reply:
                return self.rcpt_reply
            if self.rcpt_failures > 0:
                self.rcpt_failures -= 1
                return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        got = Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
        with self._lock:
            if self.data_failures > 0:
                self.data_failures -= 1
                self.refused.append(got)
                return "451 4.3.0 Queue full, try again later"
            self.received.append(got)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server(handler, **controller_options) -> Iterator[Controller]:
    """Run `handler` behind a real SMTP listener on a free port until the block ends.
    `controller_options` go to aiosmtpd's Controller (TLS contexts, authenticator ...)."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **controller_options)
    controller.start()
    handler.port = controller.port
    try:
        yield controller
    finally:
        controller.stop()
