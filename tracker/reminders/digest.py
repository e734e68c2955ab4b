"""Compose e-mails from claimed rows: one digest per contact and day, or one mail per row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence

from tracker.reminders.calendar import WorkingCalendar
from tracker.reminders.items import LedgerItem
from tracker.reminders.policy import Rule
from tracker.reminders.templates import render

SECTIONS = {
    Rule.ESCALATED: ("Nhiệm vụ quá hạn đã báo cáo lãnh đạo", "quá hạn nghiêm trọng", "#8b0000"),
    Rule.OVERDUE: ("Nhiệm vụ quá hạn", "quá hạn", "#c0392b"),
    Rule.DUE_TODAY: ("Nhiệm vụ đến hạn hôm nay", "đến hạn hôm nay", "#d35400"),
    Rule.DUE_SOON: ("Nhiệm vụ sắp đến hạn", "sắp đến hạn", "#b7950b"),
    Rule.REPORT_MISSING: ("Nhiệm vụ chưa báo cáo định kỳ", "chưa báo cáo", "#555555"),
}
ORDER = list(SECTIONS)
SUBJECT_PREFIX = "[Nhắc việc]"


@dataclasses.dataclass(frozen=True)
class MailContext:
    """What composing needs besides the rows."""

    today: dt.date
    calendar: WorkingCalendar
    base_url: str
    digest: bool = True
    max_items_per_section: int = 100


@dataclasses.dataclass(frozen=True)
class ItemView:
    """One task as a mail shows it."""

    title: str
    source: str
    lead_agency: str
    when: str
    url: str


@dataclasses.dataclass(frozen=True)
class Section:
    """One part of a digest: the tasks of one rule."""

    rule: Rule
    title: str
    color: str
    count: int
    entries: list[ItemView]
    hidden: int


@dataclasses.dataclass(frozen=True)
class OutgoingMail:
    """One e-mail to send, with the ledger rows it covers."""

    key: str
    items: tuple[LedgerItem, ...]
    to_email: str
    to_name: str
    subject: str
    text: str
    html: str


def compose(items: list[LedgerItem], ctx: MailContext) -> list[OutgoingMail]:
    """Return the mails for the items: per contact (digest) or per row; no item, no mail."""
    if not ctx.digest:
        return [_single(item, ctx) for item in items]
    # Rows tried before go out again as the mail that carried them, under its key, so that a
    # receiver can recognise a repeat; new rows make a digest of their own.
    by_mail: dict[tuple[int, str | None], list[LedgerItem]] = defaultdict(list)
    for item in items:
        by_mail[item.contact.id, item.mail_key].append(item)
    return [_digest(group, ctx) for group in by_mail.values()]


def mail_key(items: Sequence[LedgerItem]) -> str:
    """Return the stable idempotency key of a mail or event, derived from its ledger rows.

    The same rows give the same key on every retry; the rows' creation times keep keys of a
    re-created database from colliding with those of mails already sent.
    """
    rows = sorted((item.row_id, item.created_at.isoformat()) for item in items)
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:20]
    if len(rows) == 1:
        return f"ntf-{rows[0][0]}-{digest}"
    return f"dg-{rows[0][0]}-{digest}"


def _digest(items: list[LedgerItem], ctx: MailContext) -> OutgoingMail:
    """One mail listing a contact's items by section, each task once (its most urgent item)."""
    contact = items[0].contact
    sections = []
    for rule, entries in _by_section(items).items():
        title, _short, color = SECTIONS[rule]
        shown = entries[: ctx.max_items_per_section]
        views = [_view(item, ctx) for item in shown]
        sections.append(Section(rule, title, color, len(entries), views, len(entries) - len(shown)))
    counts = ", ".join(f"{s.count} {SECTIONS[s.rule][1]}" for s in sections)
    subject = f"{SUBJECT_PREFIX} {contact.agency_short_name}: {counts} ({ctx.today:%d/%m/%Y})"
    context = _common(contact, ctx) | {"sections": sections, "subject": subject}
    return OutgoingMail(
        key=items[0].mail_key or mail_key(items),
        items=tuple(items),
        to_email=contact.email,
        to_name=contact.name,
        subject=subject,
        text=render("digest.txt.j2", **context),
        html=render("digest.html.j2", **context),
    )


def _by_section(items: list[LedgerItem]) -> dict[Rule, list[LedgerItem]]:
    """Group items by rule, most urgent first; a task shows once, under its most urgent rule."""
    ranked = sorted(
        items, key=lambda i: (ORDER.index(Rule(i.rule)), i.task.due_date or dt.date.max, i.task.id)
    )
    seen: set[int] = set()
    sections: dict[Rule, list[LedgerItem]] = {}
    for item in ranked:
        if item.task.id in seen:
            continue
        seen.add(item.task.id)
        sections.setdefault(Rule(item.rule), []).append(item)
    return sections


def _single(item: LedgerItem, ctx: MailContext) -> OutgoingMail:
    """One mail about one row."""
    contact = item.contact
    title, _short, color = SECTIONS[Rule(item.rule)]
    subject = (
        f"{SUBJECT_PREFIX} {title}: {_clip(item.task.title, 90)} ({item.task.directive_number})"
    )
    context = _common(contact, ctx) | {
        "item": _view(item, ctx),
        "section_title": title,
        "color": color,
        "subject": subject,
    }
    return OutgoingMail(
        key=mail_key([item]),  # the same on every attempt
        items=(item,),
        to_email=contact.email,
        to_name=contact.name,
        subject=subject,
        text=render("task.txt.j2", **context),
        html=render("task.html.j2", **context),
    )


def _common(contact, ctx: MailContext) -> dict:
    return {
        "greeting": contact.name or f"đầu mối của {contact.agency_name}",
        "agency_name": contact.agency_name,
        "today": f"{ctx.today:%d/%m/%Y}",
        "contacts_url": f"{ctx.base_url}/api/v1/agencies/{contact.agency_code}/contacts",
    }


def _view(item: LedgerItem, ctx: MailContext) -> ItemView:
    """What the templates show of an item."""
    task = item.task
    source = task.directive_number + (f", mục {task.clause}" if task.clause else "")
    copy_note = " (gửi để phối hợp theo dõi)" if item.data.get("copy") else ""
    return ItemView(
        title=task.title,
        source=source,
        lead_agency=task.lead_agency_name or "",
        when=when_text(item, ctx.today, ctx.calendar) + copy_note,
        url=f"{ctx.base_url}/api/v1/tasks/{task.id}",
    )


def when_text(item: LedgerItem, today: dt.date, calendar: WorkingCalendar) -> str:
    """Say, in Vietnamese, how the task stands against its deadline as of the sending day."""
    if item.rule == Rule.REPORT_MISSING:
        return f"Chưa có báo cáo tiến độ {item.data.get('label', '')}".rstrip()
    due = item.task.due_date
    days = (due - today).days
    if days > 0:
        working = calendar.working_days_between(today, due)
        return f"Hạn {due:%d/%m/%Y}: còn {days} ngày ({working} ngày làm việc)"
    if days == 0:
        return f"Hạn {due:%d/%m/%Y}: hôm nay là hạn cuối"
    return f"Hạn {due:%d/%m/%Y}: đã quá hạn {-days} ngày"


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
