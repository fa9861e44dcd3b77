"""The deployment guide's commands and the unit files in deploy/ are ones drukflow accepts:
an IT officer copying them gets a running service, not a usage error."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import uvicorn

from web import cli

ROOT = Path(__file__).resolve().parents[1]
UNITS = sorted((ROOT / "deploy").glob("*.service"))


def _unit_commands(unit: Path) -> list[list[str]]:
    return [
        shlex.split(line.split("=", 1)[1])
        for line in unit.read_text().splitlines()
        if line.startswith(("ExecStart=", "ExecStartPre="))
    ]


def _guide_commands() -> list[list[str]]:
    """Every ``drukflow ...`` line of docs/deploy.md's code blocks, continuation lines
    joined, placeholders kept (argparse only checks their shape)."""
    text = (ROOT / "docs" / "deploy.md").read_text().replace("\\\n", " ")
    found = []
    for block in re.findall(r"```\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            for i, word in enumerate(words):
                if word.endswith("bin/drukflow") or (i == 0 and word == "drukflow"):
                    found.append(["drukflow", *words[i + 1 :]])
                    break
    return found


def _parses(argv: list[str]) -> None:
    args = cli.build_parser().parse_args(argv)
    assert callable(args.func), argv


def test_the_units_run_commands_drukflow_accepts() -> None:
    assert {u.name for u in UNITS} == {"drukflow.service", "drukflow-backup.service"}
    for unit in UNITS:
        for argv in _unit_commands(unit):
            program = Path(argv[0]).name
            if program == "drukflow":
                _parses(argv[1:])
            else:
                assert program == "uvicorn", argv
                ctx = uvicorn.main.make_context("uvicorn", argv[1:])  # options checked
                assert ctx.params["factory"] and ctx.params["proxy_headers"]
                assert ctx.params["app"] == "web.app:create_app"


@pytest.mark.parametrize("argv", _guide_commands(), ids=lambda a: " ".join(a[:3]))
def test_each_drukflow_command_in_the_guide_parses(argv: list[str]) -> None:
    _parses(argv[1:])


def test_the_guide_shows_the_commands_an_operator_needs() -> None:
    used = {" ".join(a[1:2]) for a in _guide_commands()}
    assert {"backup", "restore", "migrate", "user", "agency", "audit"} <= used
