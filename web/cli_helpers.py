"""What every ``drukflow`` command shares: the one-line error, dates as the commands take
them, the database (upgraded first), printing, and a user by name."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cases.core import db
from cases.core.models import User
from workflows import bounds
from workflows.calendar import BHUTAN_TZ


class CliError(Exception):
    """A problem to report in one line, exiting with status 1."""


def parse_now(text: str | None) -> datetime:
    """An ISO date or datetime; without a timezone it is Bhutan time (UTC+6)."""
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--now: '{text}' is not an ISO date or datetime") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BHUTAN_TZ)
    return value


def parse_day(text: str) -> date:
    """A date the rules count in (workflows.bounds), as the web's forms take it."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CliError(f"'{text}' is not a date (YYYY-MM-DD)") from None
    try:
        return bounds.check_date(day)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def shown_url(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def database() -> tuple[str, Engine]:
    """The configured database, upgraded to the newest schema."""
    url = db.database_url()
    db.upgrade(url)
    return url, db.engine_for(url)


def say(text: str = "") -> None:
    print(text)


def user_named(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise CliError(f"no user '{username}'")
    return user
