"""The viewflow site's URLs: a JSON step view on viewflow's own task API, the bench's setup.

The step (``POST /processes/<id>/<task>``) is what viewflow's assign and execute views do,
answered in JSON instead of a form: the signed-in user (Django's session), the waiting task
of that process, viewflow's permission checks (``assign`` and ``start`` transitions: the
task's permission, held through a group), assign, start, the request's fields into the
process's data, ``execute`` (completes the task and creates the next one), all inside the
flow's lock and one ``transaction.atomic``: one commit per step.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, Permission, User
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from bench.peers.viewflow_flow import HUMAN_TASKS, DisciplinaryFlow

MEMBER = "dc"  # the committee member who takes the steps, as in drukflow's bench
WAITING = (STATUS.NEW, STATUS.ASSIGNED)


def committee() -> User:
    """The member, in a group holding every task's permission (made once)."""
    user, made = User.objects.get_or_create(username=MEMBER)
    if made:
        group, _ = Group.objects.get_or_create(name="disciplinary committee")
        codenames = [getattr(DisciplinaryFlow, t)._owner_permission for t in HUMAN_TASKS]
        names = [c.split(".", 1)[-1] for c in codenames]
        group.permissions.set(Permission.objects.filter(codename__in=names))
        user.groups.add(group)
    return user


def waiting(process_pk: int) -> list[str]:
    tasks = Task.objects.filter(process_id=process_pk, status__in=WAITING)
    return [t.flow_task.name for t in tasks]


def take(user: User, process_pk: int, task_name: str, fields: dict[str, Any]) -> JsonResponse:
    """Assign the waiting ``task_name`` of the process to ``user`` and execute it."""
    node = getattr(DisciplinaryFlow, task_name, None)
    if task_name not in HUMAN_TASKS or node is None:
        return JsonResponse({"detail": f"no task {task_name}"}, status=404)
    with DisciplinaryFlow.lock(process_pk), transaction.atomic():
        task = (
            Task.objects.select_related("process")
            .filter(process_id=process_pk, flow_task=node, status=STATUS.NEW)
            .first()
        )
        if task is None:
            return JsonResponse({"detail": f"{task_name} is not waiting"}, status=409)
        activation = node.activation_class(task)
        if not activation.assign.has_perm(user):
            return JsonResponse({"detail": f"{user} may not take {task_name}"}, status=403)
        activation.assign(user)
        if not activation.start.has_perm(user):
            return JsonResponse({"detail": f"{user} may not execute {task_name}"}, status=403)
        activation.start(None)
        activation.process.data.update(fields)
        activation.process.save()
        activation.execute()
    return JsonResponse({"id": process_pk, "waiting": waiting(process_pk)})


@csrf_exempt  # a JSON client, as drukflow's /api; the session cookie signs it in
@require_POST
def step(request: HttpRequest, process_pk: int, task_name: str) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "sign in"}, status=401)
    body = json.loads(request.body or b"{}")
    return take(request.user, process_pk, task_name, body.get("fields", {}))  # type: ignore[arg-type]


def prepare(n: int, complaint: dict[str, Any], enquiry: dict[str, Any]) -> list[int]:
    """Setup, not measured: ``n`` processes started and their enquiry directed through the
    same API, so serve_notice waits in each."""
    user = committee()
    ids = []
    with transaction.atomic():
        for _ in range(n):
            process = DisciplinaryFlow.complaint_recorded.run(_process_data=dict(complaint))
            response = take(user, process.pk, "direct_enquiry", enquiry)
            if response.status_code != 200:
                raise RuntimeError(response.content.decode())
            ids.append(process.pk)
    return ids


def session_cookie(user: User) -> str:
    """A signed-in session for ``user`` (what ``login`` stores), as a Cookie header."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


@csrf_exempt
@require_POST
def prepare_view(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    ids = prepare(int(body["n"]), body["complaint"], body["enquiry"])
    return JsonResponse({"ids": ids, "cookie": session_cookie(committee())})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("processes/<int:process_pk>/<str:task_name>", step),
    path("prepare", prepare_view),
    path("healthz", healthz),
]
