"""A step's fields from what a person or a program sent: typed values, or refusals naming
each bad field with the step's section (unknown keys included, so nothing is silently
dropped); dates after today refused; and a field as the API declares it. The one parser
behind the web forms, the API and the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from workflows import bounds
from workflows.context import Refusal
from workflows.declarations import Field, Step


@dataclass(frozen=True)
class Upload:
    """A file sent for a step's file field (a multipart part): its name as sent and its
    bytes. The step's parse keeps it; ``cases.core.service.fire`` files it on the case file
    in the step's transaction and records only its hash in the step's facts."""

    name: str
    data: bytes = b""

    def __repr__(self) -> str:  # never the bytes in a log or an error
        return f"Upload({self.name!r}, {len(self.data)} bytes)"


def parse_fields(
    step: Step, raw: Mapping[str, Any], ctx_data: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Refusal]]:
    """Typed values for a step's fields, or refusals naming each bad field; unknown keys refused
    (each action takes exactly the fields its step declares, so a misspelt or smuggled key is
    an error the caller sees, never silently dropped)."""
    return parse_values(step.fields, raw, ctx_data, step.cite, step=step.trigger, ignore=())


def parse_values(
    fields: Sequence[Field],
    raw: Mapping[str, Any],
    ctx_data: Mapping[str, Any],
    cite: str,
    *,
    partial: bool = False,
    step: str = "",
    ignore: tuple[str, ...] = ("version", "csrf_token"),
) -> tuple[dict[str, Any], list[Refusal]]:
    """Typed values for declared fields; ``partial`` skips absent ones (a query, an edit)."""
    known = {f.name for f in fields}
    errors: list[Refusal] = []
    out: dict[str, Any] = {}
    where = f" for step '{step}'" if step else ""
    for key in raw:
        base = key.split("__", 1)[0]
        if key not in known and base not in known and key not in ignore:
            errors.append(Refusal("field", cite, f"unknown field '{key}'{where}", key))
    for f in fields:
        if partial and f.name not in raw:
            continue
        try:
            value = _parse_one(f, raw, ctx_data)
        except ValueError as exc:
            errors.append(Refusal("field", cite, f"{f.label}: {exc}", f.name))
            continue
        if value in (None, "", []) and f.required and f.type != "bool" and not partial:
            errors.append(Refusal("field", cite, f"{f.label} is required", f.name))
            continue
        out[f.name] = value
    return out, errors


def future_dates(step: Step, fields: Mapping[str, Any], today: date) -> list[Refusal]:
    """A receipt or a meeting cannot be dated after today: deadlines count from these dates."""
    return [
        Refusal("field", step.cite, f"{f.label}: cannot be later than today ({today})", f.name)
        for f in step.fields
        if f.type == "date"
        and not f.future_ok
        and fields.get(f.name)
        and date.fromisoformat(fields[f.name]) > today
    ]


def _parse_one(f: Field, raw: Mapping[str, Any], data: Mapping[str, Any]) -> Any:
    if f.type == "findings":
        return _parse_findings(f, raw, data)
    value = raw.get(f.name)
    if f.type == "file":
        return _uploads(value)
    if f.type == "users":
        return _usernames(value)
    if f.type == "bool":
        return value in (True, "true", "on", "1", "yes", 1)
    if f.type == "multichoice":
        items = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        allowed = {c[0] for c in f.choices}
        bad = [str(v) for v in items if str(v) not in allowed]
        if bad:
            raise ValueError(f"not a permitted choice: {', '.join(bad)}")
        return [str(v) for v in items]
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if f.type in ("text", "textarea"):
        if not isinstance(value, str):
            raise ValueError("must be text")
        if len(value) > f.max_length:
            raise ValueError(f"at most {f.max_length:,} characters (this has {len(value):,})")
        return value.strip()
    if f.type == "date":
        if isinstance(value, date):
            return bounds.check_date(value).isoformat()
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD)") from None
        return bounds.check_date(day).isoformat()
    if f.type == "int":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError("must be a whole number")
        try:
            number = int(value)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if abs(number) > bounds.MAX_WHOLE_NUMBER:  # the sign is the rules' (e.g. 13.11.2)
            raise ValueError(f"must be a whole number of at most {bounds.MAX_WHOLE_NUMBER:,}")
        return number
    if f.type == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError("must be a number")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValueError("must be a number") from None
        if not amount.is_finite():
            raise ValueError("must be a number")
        if amount < 0:
            raise ValueError("must not be negative")
        if amount > bounds.MAX_AMOUNT:
            raise ValueError(f"must be at most {bounds.MAX_AMOUNT:,}")
        return str(amount.quantize(Decimal("0.01")))
    if f.type == "choice":
        if str(value) not in {c[0] for c in f.choices}:
            raise ValueError(f"'{value}' is not a permitted choice")
        return str(value)
    raise ValueError(f"unsupported field type {f.type}")


def _parse_findings(f: Field, raw: Mapping[str, Any], data: Mapping[str, Any]) -> list[dict]:
    """One finding and at most one penalty per charge (19.11.2), from a list or flat form keys."""
    charges = data.get("charges") or []
    given = raw.get(f.name)
    rows: list[dict] = []
    if isinstance(given, list):
        by_no = {_charge_no(r.get("charge")): r for r in given if isinstance(r, dict)}
    else:
        by_no = {
            c["no"]: {
                "finding": raw.get(f"{f.name}__{c['no']}__finding"),
                "penalty": raw.get(f"{f.name}__{c['no']}__penalty") or None,
            }
            for c in charges
        }
    if not given and not any(v.get("finding") for v in by_no.values()):
        return []
    for c in charges:
        r = by_no.get(c["no"])
        if not r or r.get("finding") not in ("guilty", "not_guilty"):
            raise ValueError(f"charge {c['no']}: state guilty or not guilty")
        penalty = r.get("penalty") or None
        if isinstance(penalty, list):
            raise ValueError(f"charge {c['no']}: one penalty per charge (19.11.2)")
        row = {"charge": c["no"], "finding": r["finding"], "penalty": penalty}
        if f.amounts:
            flat = {a.name: raw.get(f"{f.name}__{c['no']}__{a.name}") for a in ROW_AMOUNTS}
            row.update(_row_amounts(c["no"], r if isinstance(given, list) else flat))
        rows.append(row)
    return rows


def _uploads(value: Any) -> list[Upload]:
    """The files sent for a file field; a form's empty file input (no file chosen) is none.
    Only a multipart part is a file: text or JSON naming one is refused, so a paper cannot be
    recorded as attached without its bytes."""
    items = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    if not all(isinstance(u, Upload) for u in items):
        raise ValueError("attach the file itself (a multipart form part of this name)")
    return [u for u in items if u.data or u.name]


# The longest username an account holds (cases.core.models.User.username).
USERNAME_LIMIT = 64


def _usernames(value: Any) -> list[str]:
    """The accounts a users field names, by username: a list (the API, a form's multiple
    select) or one string with commas between (the CLI); each once, in the order given.
    Whether each is a user who may be named is the database's answer (cases.core.step_users)."""
    items = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError("name each user by username (text)")
        for name in (n.strip() for n in item.split(",")):
            if len(name) > USERNAME_LIMIT:
                raise ValueError(f"a username has at most {USERNAME_LIMIT} characters")
            if name and name not in names:
                names.append(name)
    return names


# What a findings row with ``amounts`` also takes, each parsed as its own field would be.
ROW_AMOUNTS = (
    Field("amount", "decimal", "fine, Nu"),
    Field("increments", "int", "increments deducted"),
)


def _row_amounts(no: int, source: Mapping[str, Any]) -> dict[str, Any]:
    """A row's amount and increments (from a list row, or the flat form keys such as
    findings__2__amount); absent ones are left out of the row."""
    out: dict[str, Any] = {}
    for spec in ROW_AMOUNTS:
        try:
            value = _parse_one(spec, source, {})
        except ValueError as exc:
            raise ValueError(f"charge {no}: {spec.label}: {exc}") from None
        if spec.type == "int" and value is not None and value < 0:
            raise ValueError(f"charge {no}: {spec.label}: must not be negative")
        if value is not None:
            out[spec.name] = value
    return out


def _charge_no(value: Any) -> int:
    """A finding's charge number as sent (a number or its digits); anything else matches no
    charge, so the finding is refused as missing."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return 0
    try:
        return int(value)
    except ValueError:
        return 0


def field_decl(f: Field) -> dict[str, Any]:
    return {
        "name": f.name,
        "type": f.type,
        "label": f.label,
        "required": f.required,
        "choices": [list(c) for c in f.choices],
        "help": f.help,
        "confidential": f.confidential,
        "max_length": f.max_length or None,
        **({"amounts": True} if f.amounts else {}),
        **({"paper": f.paper, "multiple": True} if f.type == "file" else {}),
        **({"users_from": f.users_from, "multiple": True} if f.type == "users" else {}),
    }
