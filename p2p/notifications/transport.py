"""Handing one message to the SMTP server named in the settings, and telling a failure worth
retrying from one that is final.

A send either returns (the server answered 250 to the message data: it has the message) or
raises `SendFailure`. Failures are permanent only when retrying the same message cannot
help: the server refused the recipient or the content with a 5xx reply, or the message
cannot be encoded. Everything else (connection refused or cut, timeouts, 4xx replies, a
refused login or sender, which are our configuration, not the message) is transient.
"""

import smtplib
import ssl
from contextlib import suppress
from dataclasses import dataclass
from email.errors import MessageError
from email.message import EmailMessage

from p2p.config import SMTP_SECURITY_MODES as SECURITY_MODES

ERROR_LENGTH = 500  # OutboxMessage.last_error


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    username: str | None
    password: str | None
    mail_from: str
    timeout: float
    max_attempts: int = 8  # tries before a message is marked failed

    @classmethod
    def from_config(cls, config) -> "SmtpSettings":
        settings = cls(
            host=config["P2P_SMTP_HOST"],
            port=int(config["P2P_SMTP_PORT"]),
            security=str(config["P2P_SMTP_SECURITY"]).strip().lower(),
            username=config.get("P2P_SMTP_USERNAME") or None,
            password=config.get("P2P_SMTP_PASSWORD") or None,
            mail_from=config["P2P_MAIL_FROM"],
            timeout=float(config["P2P_SMTP_TIMEOUT"]),
            max_attempts=int(config["P2P_MAIL_MAX_ATTEMPTS"]),
        )
        if settings.security not in SECURITY_MODES:
            raise ValueError(
                f"P2P_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, "
                f"not {settings.security!r}."
            )
        return settings

    def __repr__(self) -> str:  # never print the password
        return (
            f"SmtpSettings({self.security}://{self.host}:{self.port}, "
            f"user={self.username!r}, from={self.mail_from!r})"
        )


class SendFailure(Exception):
    """A send that did not happen (or whose outcome is unknown). `summary` names the error
    without any of the message's content: it is stored in `last_error`."""

    def __init__(self, summary: str, *, permanent: bool):
        super().__init__(summary)
        self.summary = summary[:ERROR_LENGTH]
        self.permanent = permanent


def tls_context(settings: SmtpSettings) -> ssl.SSLContext | None:
    """The client TLS context (system trust store, hostname checked), or None without TLS.
    Loading the trust store takes milliseconds: make it once per delivery run."""
    return None if settings.security == "none" else ssl.create_default_context()


def send(
    settings: SmtpSettings,
    message: EmailMessage,
    sender: str,
    recipient: str,
    context: ssl.SSLContext | None = None,
) -> None:
    """Deliver `message` to `recipient` with envelope sender `sender`, one connection each.
    `context`: from `tls_context(settings)`, made here when not given."""
    if context is None:
        context = tls_context(settings)
    try:
        connection = _connect(settings, context)
    except (smtplib.SMTPException, OSError) as error:
        raise SendFailure(_describe(error, "connect"), permanent=False) from error
    try:
        connection.send_message(message, from_addr=sender, to_addrs=[recipient])
    except smtplib.SMTPRecipientsRefused as error:
        replies = list(error.recipients.values())
        permanent = bool(replies) and all(code >= 500 for code, _ in replies)
        code, text = replies[0] if replies else (0, b"")
        raise SendFailure(f"RCPT refused: {code} {_text(text)}", permanent=permanent) from error
    except smtplib.SMTPDataError as error:
        raise SendFailure(_describe(error, "DATA"), permanent=error.smtp_code >= 500) from error
    except (smtplib.SMTPException, OSError) as error:
        raise SendFailure(_describe(error, "send"), permanent=False) from error
    except (ValueError, MessageError) as error:  # e.g. an address that cannot be encoded
        raise SendFailure(_describe(error, "encode"), permanent=True) from error
    finally:
        _close(connection)


def _connect(settings: SmtpSettings, context: ssl.SSLContext | None) -> smtplib.SMTP:
    if settings.security == "tls":
        connection = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            connection.starttls(context=context)
            connection.ehlo()
        if settings.username:
            connection.login(settings.username, settings.password or "")
    except BaseException:
        _close(connection)
        raise
    return connection


def _close(connection: smtplib.SMTP) -> None:
    # The message was accepted (or not) before this point: a failed QUIT changes nothing.
    with suppress(smtplib.SMTPException, OSError):
        connection.quit()
    with suppress(OSError):
        connection.close()


def _describe(error: BaseException, stage: str) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{stage}: {type(error).__name__} {error.smtp_code} {_text(error.smtp_error)}"
    return f"{stage}: {type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(reply.split())
