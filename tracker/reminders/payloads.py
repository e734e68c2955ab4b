"""The JSON body of a webhook event (built at delivery from the task as it is then)."""

from __future__ import annotations

import json

from tracker.reminders.digest import mail_key
from tracker.reminders.items import LedgerItem
from tracker.reminders.webhooks import WebhookRequest


def webhook_request(item: LedgerItem, base_url: str) -> WebhookRequest:
    """Return the signed request of a webhook row; its delivery id is stable across retries."""
    delivery_id = mail_key([item])
    body = json.dumps(event_body(item, base_url, delivery_id), ensure_ascii=False)
    return WebhookRequest(
        url=item.hook.url,
        secret=item.hook.secret,
        event=item.rule,
        delivery_id=delivery_id,
        body=body.encode("utf-8"),
    )


def event_body(item: LedgerItem, base_url: str, delivery_id: str) -> dict:
    """Return the event document."""
    task = item.task
    data = {k: v for k, v in item.data.items() if k not in {"copy", "since_utc"}}
    return {
        "id": delivery_id,
        "event": item.rule,
        "occurred_at": item.created_at.isoformat(),
        "agency": item.hook.agency_code,
        "task": {
            "id": task.id,
            "url": f"{base_url}/api/v1/tasks/{task.id}",
            "directive_number": task.directive_number,
            "clause": task.clause,
            "title": task.title,
            "lead_agency": task.lead_agency_code,
            "status": task.status,
            "deadline_kind": task.deadline_kind,
            "due_date": task.due_date.isoformat() if task.due_date else None,
        },
        "data": data,
    }
