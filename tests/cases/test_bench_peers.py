"""The bench's peers (issue 19, ``bench/peers``) run the disciplinary flow end to end, in
process: a workflow or process made with its enquiry directed, serve_notice taken, the
next task waiting. So the comparison measures working flows, not error answers. Skipped
when the ``bench`` extra is not installed."""

from __future__ import annotations

import importlib.util

import pytest

from bench.data import COMPLAINT, NOTICE

FIELDS = {**NOTICE, "prima_facie": True}


def test_spiffworkflow_step_completes_serve_notice_and_refuses_a_stale_version(
    tmp_path, monkeypatch
):
    pytest.importorskip("SpiffWorkflow")
    from fastapi.testclient import TestClient

    from bench.app_factory import URL_VARIABLE
    from bench.peers import spiff_app

    monkeypatch.setenv(URL_VARIABLE, f"sqlite:///{tmp_path / 'spiff.db'}")
    client = TestClient(spiff_app.create())
    made = client.post("/prepare", json={"n": 1, "complaint": COMPLAINT, "enquiry": {}})
    [wid] = made.json()["ids"]
    assert client.get(f"/workflows/{wid}").json()["waiting"] == ["serve_notice"]

    step = client.post(f"/workflows/{wid}/serve_notice", json={"version": 1, "fields": FIELDS})

    assert step.status_code == 200, step.text
    assert step.json() == {"id": wid, "version": 2, "waiting": ["receive_explanation"]}
    again = client.post(f"/workflows/{wid}/serve_notice", json={"version": 1, "fields": FIELDS})
    assert again.status_code == 409 and "version" in again.json()["detail"]
    late = client.post(f"/workflows/{wid}/serve_notice", json={"version": 2, "fields": FIELDS})
    assert late.status_code == 409 and "not waiting" in late.json()["detail"]


def test_viewflow_step_assigns_and_executes_serve_notice_for_a_permitted_member(tmp_path):
    pytest.importorskip("django")
    if importlib.util.find_spec("viewflow") is None:  # importing it needs Django set up
        pytest.skip("django-viewflow is not installed (the bench extra)")
    from bench.peers import viewflow_site

    viewflow_site.setup(f"sqlite:///{tmp_path / 'viewflow.db'}")
    from django.contrib.auth.models import User
    from django.test import Client
    from viewflow.workflow.models import Process

    from bench.peers import viewflow_views

    [pid] = viewflow_views.prepare(1, COMPLAINT, {})
    assert viewflow_views.waiting(pid) == ["serve_notice"]
    stranger = Client()
    outsider = Client()
    outsider.force_login(User.objects.create(username="outsider"))
    member = Client()
    member.force_login(viewflow_views.committee())
    path = f"/processes/{pid}/serve_notice"

    assert stranger.post(path, {"fields": FIELDS}, "application/json").status_code == 401
    assert outsider.post(path, {"fields": FIELDS}, "application/json").status_code == 403
    step = member.post(path, {"fields": FIELDS}, "application/json")

    assert step.status_code == 200, step.content
    assert step.json() == {"id": pid, "waiting": ["receive_explanation"]}
    assert Process.objects.get(pk=pid).data["charges"] == NOTICE["charges"]
    assert member.post(path, {"fields": FIELDS}, "application/json").status_code == 409
