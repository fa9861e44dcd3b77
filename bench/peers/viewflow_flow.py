"""The disciplinary flow as a viewflow Flow: the complaint recorded starts the process
(started from code, the process's data holding the complaint); three human tasks follow,
each open to the holders of its own permission (created by viewflow's migrate)."""

from __future__ import annotations

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView


class DisciplinaryFlow(flow.Flow):
    """Disciplinary case

    Complaint recorded, enquiry directed, notice served, explanation received."""

    complaint_recorded = flow.StartHandle().Next(this.direct_enquiry)
    direct_enquiry = (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Permission(auto_create=True)
        .Next(this.serve_notice)
    )
    serve_notice = (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Permission(auto_create=True)
        .Next(this.receive_explanation)
    )
    receive_explanation = (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Permission(auto_create=True)
        .Next(this.closed)
    )
    closed = flow.End()


HUMAN_TASKS = ("direct_enquiry", "serve_notice", "receive_explanation")
