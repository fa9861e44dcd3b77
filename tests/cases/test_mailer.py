"""E-mail copies of inbox notices (cases.inbox.mailer), against a local SMTP server (aiosmtpd on
127.0.0.1), never a real one."""

from __future__ import annotations

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from cases.core.db import transaction
from cases.core.models import Notification, User
from cases.inbox import mailer


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def message(self, i: int) -> Message:
        return email.message_from_bytes(self.envelopes[i].content)


@pytest.fixture
def smtp_server():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def configure(monkeypatch, port: int) -> mailer.SmtpSettings:
    monkeypatch.setenv("DRUKFLOW_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DRUKFLOW_SMTP_PORT", str(port))
    monkeypatch.setenv("DRUKFLOW_SMTP_FROM", "drukflow@moh.gov.bt")
    settings = mailer.settings_from_env()
    assert settings is not None
    return settings


def set_email(world, username: str, address: str) -> None:
    with transaction(world.engine) as s:
        user = s.get(User, world.users[username].id)
        user.email = address
        s.add(user)


def notice_of(world, username: str) -> Notification:
    with world.session() as s:
        return s.exec(
            select(Notification).where(Notification.user_id == world.users[username].id)
        ).one()


def test_settings_come_from_the_environment():
    assert mailer.settings_from_env({}) is None
    got = mailer.settings_from_env(
        {
            "DRUKFLOW_SMTP_HOST": "mail.example.bt",
            "DRUKFLOW_SMTP_PORT": "587",
            "DRUKFLOW_SMTP_FROM": "hr@example.bt",
            "DRUKFLOW_SMTP_USER": "drukflow",
            "DRUKFLOW_SMTP_PASSWORD": "secret",
            "DRUKFLOW_SMTP_STARTTLS": "1",
        }
    )
    assert got == mailer.SmtpSettings(
        "mail.example.bt", 587, "hr@example.bt", "drukflow", "secret", starttls=True
    )
    assert "secret" not in repr(got)
    assert mailer.settings_from_env({"DRUKFLOW_SMTP_HOST": "localhost"}).port == 25


def test_without_smtp_no_email_is_queued(world, monkeypatch):
    monkeypatch.delenv("DRUKFLOW_SMTP_HOST", raising=False)
    set_email(world, "chair", "chair@moh.gov.bt")

    world.open()

    assert notice_of(world, "chair").email_status == ""


def test_a_notice_is_emailed_once_to_a_user_with_an_address(world, clock, monkeypatch, smtp_server):
    controller, received = smtp_server
    settings = configure(monkeypatch, controller.port)
    set_email(world, "chair", "chair@moh.gov.bt")
    case_id = world.open()
    assert notice_of(world, "chair").email_status == "pending"
    assert notice_of(world, "dc").email_status == ""  # no address: in the inbox only

    clock.advance(hours=1)  # the sweeper runs later
    report = mailer.deliver_pending(world.engine, settings, clock.now)

    chair = notice_of(world, "chair")
    assert report.sent == [chair.id] and report.failed == []
    assert (chair.email_status, chair.emailed_at) == ("sent", clock.now)
    (envelope,) = received.envelopes
    assert envelope.rcpt_tos == ["chair@moh.gov.bt"]
    assert envelope.mail_from == "drukflow@moh.gov.bt"
    msg = received.message(0)
    assert msg["Subject"] == f"drukflow: Action needed: case #{case_id}"
    assert msg["To"] == "chair@moh.gov.bt"
    body = msg.get_payload(decode=True).decode()
    assert chair.text in body
    assert "Direct the DC to hold an enquiry (BCSR 19.8.2)" in body

    again = mailer.deliver_pending(world.engine, settings, clock.now)
    assert (again.sent, again.failed) == ([], [])
    assert len(received.envelopes) == 1


def test_a_dead_mail_server_marks_the_email_failed_and_keeps_the_notice(world, clock, monkeypatch):
    settings = configure(monkeypatch, free_port())  # nothing listens there
    set_email(world, "chair", "chair@moh.gov.bt")
    set_email(world, "dc", "dc@moh.gov.bt")
    world.open()

    report = mailer.deliver_pending(world.engine, settings, clock.now)

    chair, dc = notice_of(world, "chair"), notice_of(world, "dc")
    assert sorted(report.failed) == sorted([chair.id, dc.id]) and report.sent == []
    assert (chair.email_status, chair.emailed_at, chair.read_at) == ("failed", None, None)
    assert "waits for you" in chair.text  # the in-app notice is still there, unread
    assert mailer.deliver_pending(world.engine, settings, clock.now).failed == []  # not retried


def test_a_notice_claimed_by_another_sweeper_is_not_sent_again(
    world, clock, monkeypatch, smtp_server
):
    controller, received = smtp_server
    settings = configure(monkeypatch, controller.port)
    set_email(world, "chair", "chair@moh.gov.bt")
    world.open()
    with transaction(world.engine) as s:  # another worker took it a moment ago
        row = s.get(Notification, notice_of(world, "chair").id)
        row.email_status = "sending"
        s.add(row)

    report = mailer.deliver_pending(world.engine, settings, clock.now)

    assert (report.sent, received.envelopes) == ([], [])


def test_a_notice_settled_before_its_email_went_is_not_sent(world, clock, monkeypatch, smtp_server):
    """The chair took the step the notice asked for before the sweeper ran: no stale e-mail."""
    controller, received = smtp_server
    settings = configure(monkeypatch, controller.port)
    set_email(world, "chair", "chair@moh.gov.bt")
    case_id = world.open()
    world.fire(case_id, "direct_enquiry", "chair", reasons="Not suitable for ADR")
    clock.advance(hours=1)
    report = mailer.deliver_pending(world.engine, settings, clock.now)
    with world.session() as s:
        first = s.exec(
            select(Notification)
            .where(Notification.user_id == world.users["chair"].id)
            .order_by(Notification.id)  # type: ignore[arg-type]
        ).first()
    assert first.settled_at is not None and first.email_status == "moot"
    assert first.id not in report.sent
    assert all(
        first.text not in received.message(i).get_payload(decode=True).decode()
        for i in range(len(received.envelopes))
    )
