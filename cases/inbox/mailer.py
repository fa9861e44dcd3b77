"""E-mail copies of inbox notices, through the SMTP server the deployment names.

Configured by the environment (unset host: no e-mail at all):
DRUKFLOW_SMTP_HOST, DRUKFLOW_SMTP_PORT (25), DRUKFLOW_SMTP_FROM, DRUKFLOW_SMTP_USER and
DRUKFLOW_SMTP_PASSWORD (log in when a user is given), DRUKFLOW_SMTP_STARTTLS (0/1).

A notice is queued ("pending") in the transaction that creates it; ``deliver_pending`` sends
later, outside any transaction, so a slow or dead mail server never holds a case's step or
the database lock. Each notice is claimed with a compare-and-set (pending -> sending) before
it is sent, as the sweep claims deadlines, so two sweepers never send one twice; it ends
"sent" (with emailed_at) or "failed" (logged). A failure never touches the in-app notice.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from cases.core.db import transaction
from cases.core.models import Notification, User

log = logging.getLogger("drukflow.mailer")

SUBJECTS = {
    "action_needed": "Action needed",
    "deadline_near": "Deadline near",
    "deadline_missed": "Deadline missed",
}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "drukflow@localhost"
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    timeout: float = 10.0


def settings_from_env(env: Mapping[str, str] | None = None) -> SmtpSettings | None:
    """The SMTP settings, or None when no host is configured (e-mail is optional)."""
    env = os.environ if env is None else env
    host = env.get("DRUKFLOW_SMTP_HOST", "").strip()
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(env.get("DRUKFLOW_SMTP_PORT") or 25),
        sender=env.get("DRUKFLOW_SMTP_FROM") or "drukflow@localhost",
        user=env.get("DRUKFLOW_SMTP_USER", ""),
        password=env.get("DRUKFLOW_SMTP_PASSWORD", ""),
        starttls=env.get("DRUKFLOW_SMTP_STARTTLS", "0").strip().lower() in ("1", "true", "yes"),
    )


def configured() -> bool:
    return bool(os.environ.get("DRUKFLOW_SMTP_HOST", "").strip())


@dataclass
class Delivery:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def message(settings: SmtpSettings, notice: Notification, to: str, now: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    subject = SUBJECTS.get(notice.kind, "Notice")
    where = f": case #{notice.case_id}" if notice.case_id is not None else ""
    msg["Subject"] = f"drukflow: {subject}{where}"
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain="drukflow")
    body = notice.text
    if notice.cite:
        body += f"\n\nRule: BCSR {notice.cite}"
    body += "\n\nA copy of a notice in your drukflow inbox. Sign in to drukflow to act on it.\n"
    msg.set_content(body)
    return msg


def deliver_pending(
    engine: Engine, settings: SmtpSettings, now: datetime, batch: int = 100
) -> Delivery:
    """Send queued e-mails over one SMTP connection (reopened after an error). A notice
    settled before its e-mail went (the step was taken meanwhile) is not sent: its e-mail
    is marked moot."""
    with transaction(engine) as s:
        s.execute(
            sa.update(Notification)
            .where(
                Notification.email_status == "pending",  # type: ignore[arg-type]
                Notification.settled_at.is_not(None),  # type: ignore[union-attr]
            )
            .values(email_status="moot")
        )
        ids = list(
            s.exec(
                select(Notification.id)
                .where(Notification.email_status == "pending")
                .order_by(Notification.id)  # type: ignore[arg-type]
                .limit(batch)
            ).all()
        )
    report = Delivery()
    smtp: smtplib.SMTP | None = None
    try:
        for notice_id in ids:
            claimed, msg = _claim(engine, settings, notice_id, now)  # type: ignore[arg-type]
            if msg is None:
                if claimed:  # no address to send to
                    report.failed.append(notice_id)  # type: ignore[arg-type]
                continue
            try:
                if smtp is None:
                    smtp = _connect(settings)
                smtp.send_message(msg)
            except (smtplib.SMTPException, OSError) as exc:
                log.warning("e-mail of notice %s to %s failed: %s", notice_id, msg["To"], exc)
                _finish(engine, notice_id, "failed", None)  # type: ignore[arg-type]
                report.failed.append(notice_id)  # type: ignore[arg-type]
                if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                    smtp = _close(smtp)
                continue
            _finish(engine, notice_id, "sent", now)  # type: ignore[arg-type]
            report.sent.append(notice_id)  # type: ignore[arg-type]
    finally:
        _close(smtp)
    return report


def _claim(
    engine: Engine, settings: SmtpSettings, notice_id: int, now: datetime
) -> tuple[bool, EmailMessage | None]:
    """(claimed, the message); claimed without a message: no one to send it to."""
    with transaction(engine) as s:
        claimed = s.execute(
            sa.update(Notification)
            .where(Notification.id == notice_id, Notification.email_status == "pending")  # type: ignore[arg-type]
            .values(email_status="sending")
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False, None  # another sweeper took it
        notice = s.get(Notification, notice_id)
        user = s.get(User, notice.user_id) if notice else None
        if notice is None or user is None or not user.email or not user.active:
            log.warning("notice %s: no active recipient with an e-mail address", notice_id)
            if notice is not None:
                notice.email_status = "failed"
                s.add(notice)
            return True, None
        return True, message(settings, notice, user.email, now)


def _finish(engine: Engine, notice_id: int, status: str, at: datetime | None) -> None:
    with transaction(engine) as s:
        s.execute(
            sa.update(Notification)
            .where(Notification.id == notice_id)  # type: ignore[arg-type]
            .values(email_status=status, emailed_at=at)
        )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password)
    except BaseException:
        _close(smtp)
        raise
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return None
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
    return None
