"""The inbox: each user's notices (cases.inbox.notifications), marked read one by one or all."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from cases.inbox import notifications
from web.deps import CsrfChecked, CurrentViewer, Viewer, now, tx
from web.pages import is_htmx, render
from web.params import Limit, NoticeId

router = APIRouter()


def _ctx(request: Request, viewer: Viewer) -> dict[str, Any]:
    with tx(request) as s:
        items = notifications.inbox(s, viewer.actor)
        unread = notifications.unread_count(s, viewer.actor.user_id)
    viewer.unread = unread  # the navigation shows the count after this request's change
    return {"items": items, "unread": unread}


@router.get("/inbox", name="inbox", include_in_schema=False)
def inbox_page(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "pages/inbox.html", _ctx(request, viewer))


def _after_change(request: Request, viewer: Viewer) -> Response:
    if is_htmx(request):
        # The list, and the navigation's count swapped out of band.
        return render(request, "pages/inbox.html", _ctx(request, viewer), block=["inbox", "nav"])
    return RedirectResponse(request.url_for("inbox"), status_code=303)


@router.post("/inbox/read-all", name="inbox_read_all", include_in_schema=False)
def inbox_read_all(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    with tx(request) as s:
        notifications.mark_all_read(s, viewer.actor.user_id, now(request))
    return _after_change(request, viewer)


@router.post("/inbox/{notice_id}/read", name="inbox_read", include_in_schema=False)
def inbox_read(
    request: Request, notice_id: NoticeId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    with tx(request) as s:
        notifications.mark_read(s, viewer.actor.user_id, notice_id, now(request))
    return _after_change(request, viewer)


@router.get("/api/inbox", tags=["api"])
def api_inbox(
    request: Request,
    viewer: CurrentViewer,
    unread: bool = False,
    limit: Limit = 100,
) -> dict[str, Any]:
    """Your notices, unread first, then newest; ``unread=true`` lists only unread ones (a
    notice whose step was taken or whose deadline was met is settled, not unread)."""
    with tx(request) as s:
        items = notifications.inbox(s, viewer.actor, limit=limit)
        count = notifications.unread_count(s, viewer.actor.user_id)
    return {
        "unread": count,
        "notices": [
            {
                "id": i.notice.id,
                "kind": i.notice.kind,
                "case_id": i.notice.case_id if i.case_visible else None,
                "text": i.notice.text,
                "cite": i.notice.cite,
                "created_at": i.notice.created_at.isoformat(),
                "read_at": i.notice.read_at.isoformat() if i.notice.read_at else None,
                "settled_at": i.notice.settled_at.isoformat() if i.notice.settled_at else None,
            }
            for i in items
            if not unread or (i.notice.read_at is None and i.notice.settled_at is None)
        ],
    }
