"""Reminder jobs: plan the ledger for the day, deliver what is due (SMTP and webhooks)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import closing, contextmanager

from flask import Flask, current_app

from jobs.runner import commit_step
from tracker.clock import FixedClock, current_clock
from tracker.config import Settings
from tracker.reminders import delivery
from tracker.reminders.calendar import vietnam_calendar
from tracker.reminders.digest import MailContext, compose
from tracker.reminders.items import LedgerItem, skip_reason
from tracker.reminders.mailer import Result, SmtpConfig, message_id, send_each
from tracker.reminders.payloads import webhook_request
from tracker.reminders.planner import Planner, plan_days
from tracker.reminders.policy import ReminderPolicy
from tracker.reminders.webhooks import WebhookFailure, make_session, post

MAX_BATCHES = 10_000
LEASE_SHARE = 0.8  # stop starting new sends once this share of the lease is used


def settings() -> Settings:
    """Return the application's settings."""
    return current_app.extensions["tracker.settings"]


def plan(*, force: bool = True) -> dict:
    """Plan missed days and today; by hand (force) today is planned even if done already."""
    config, clock = settings(), current_clock()
    planner = Planner(
        ReminderPolicy.from_settings(config),
        vietnam_calendar(),
        config.zone,
        config.reminder_send_hour,
        clock.now(),
    )
    return plan_days(planner, clock.today(), config.reminder_catch_up_days, force=force)


def scheduled_plan() -> dict:
    """The scheduler's planning: each day once, from its send hour, missed days caught up."""
    return plan(force=False)


def deliver(max_batches: int = MAX_BATCHES) -> dict:
    """Send what is due: e-mails on working days only, webhooks at any time."""
    worker = worker_id()
    totals: Counter = Counter()
    if vietnam_calendar().is_working_day(current_clock().today()):
        _repeat(lambda: _mail_batch(worker), totals, max_batches)
    else:
        totals["mail_held_until_working_day"] = 1
    session = make_session()
    try:
        _repeat(lambda: _webhook_batch(worker, session), totals, max_batches)
    finally:
        session.close()
    return dict(totals)


def run() -> dict:
    """Plan, then deliver."""
    return {"plan": plan(force=True), "deliver": deliver()}


def worker_id() -> str:
    """Return a name for this delivery run, unique across machines and processes."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _repeat(batch: Callable[[], Counter | None], totals: Counter, max_batches: int) -> None:
    """Run batches until nothing is claimed, or a batch only met temporary failures."""
    for _ in range(max_batches):
        counts = batch()
        if counts is None:
            return
        totals.update(counts)
        if counts["retry"] and not counts["sent"]:
            return  # the server is down: the rows wait for their next attempt


def _context(worker: str) -> delivery.DeliveryContext:
    config, clock = settings(), current_clock()
    return delivery.DeliveryContext(
        worker=worker,
        now=clock.now(),
        lease=clock.span(config.reminder_lease_seconds),
        batch_size=config.reminder_batch_size,
        max_attempts=config.reminder_max_attempts,
        retry_base_seconds=config.reminder_retry_base_seconds,
        retry_max_seconds=config.reminder_retry_max_seconds,
        speed=clock.speed,
    )


def _time_left() -> Callable[[], bool]:
    """Return a test of whether this worker's lease (real seconds) still leaves time to send."""
    deadline = time.monotonic() + settings().reminder_lease_seconds * LEASE_SHARE
    return lambda: time.monotonic() < deadline


def _partition(items: list[LedgerItem], counts: Counter, outcomes: list) -> list[LedgerItem]:
    """Record skips; return the items still to send."""
    to_send = []
    for item in items:
        reason = skip_reason(item)
        if reason:
            outcomes.append(delivery.skipped(item, reason))
            counts["skipped"] += 1
        else:
            to_send.append(item)
    return to_send


def _mail_batch(worker: str) -> Counter | None:
    """Claim, compose, send over one SMTP connection, recording each mail once it is sent."""
    ctx = _context(worker)
    time_left = _time_left()
    items = commit_step(lambda: delivery.claim_mail_items(ctx))
    if not items:
        return None
    config, clock = settings(), current_clock()
    counts: Counter = Counter(claimed=len(items))
    skips: list = []
    to_send = _partition(items, counts, skips)
    mail_context = MailContext(
        clock.today(), vietnam_calendar(), config.base_url, config.reminder_digest
    )
    mails, smtp = compose(to_send, mail_context), SmtpConfig.from_settings(config)
    # Before anything goes out: skips recorded, and each row's Message-ID fixed for its retries.
    ids = [(message_id(mail.key, smtp), mail.items) for mail in mails]
    commit_step(lambda: _prepare(skips, ids, worker, clock.now()))
    _count(skips, counts)
    untried: list[LedgerItem] = []
    with closing(send_each(smtp, mails, clock.now(), time_left)) as results:
        for result in results:
            if not result.attempted:
                untried.extend(result.mail.items)
                continue
            outcomes = _mail_outcomes(result, ctx, clock.now(), counts)
            commit_step(lambda outcomes=outcomes: delivery.record(outcomes, worker, clock.now()))
    if untried:
        commit_step(lambda: delivery.release(untried, worker, clock.now()))
    return counts


def _prepare(skips: list, ids: list, worker: str, now: dt.datetime) -> None:
    """Record the skipped rows and fix each mail's Message-ID on its rows, before sending."""
    delivery.record(skips, worker, now)
    delivery.fix_message_ids(ids, worker)


def _mail_outcomes(result: Result, ctx, now: dt.datetime, counts: Counter) -> list:
    """The outcomes of one mail's rows, counted."""
    counts["messages_sent" if result.sent else "messages_not_sent"] += 1
    if result.sent:
        outcomes = [delivery.sent(item, result.message_id) for item in result.mail.items]
    else:
        outcomes = [
            delivery.failed(item, result.detail, result.temporary, ctx, now)
            for item in result.mail.items
        ]
    _count(outcomes, counts)
    return outcomes


def _webhook_batch(worker: str, session) -> Counter | None:
    """Claim webhook rows, POST each, record each attempt before the next."""
    ctx = _context(worker)
    time_left = _time_left()
    items = commit_step(lambda: delivery.claim_webhook_items(ctx))
    if not items:
        return None
    counts: Counter = Counter(claimed=len(items))
    skips: list = []
    to_send = _partition(items, counts, skips)
    commit_step(lambda: delivery.record(skips, worker, current_clock().now()))
    _count(skips, counts)
    untried = []
    for item in to_send:
        if not time_left():
            untried.append(item)
            continue
        outcome = _post(item, session, ctx)
        _count([outcome], counts)
        commit_step(
            lambda outcome=outcome: delivery.record([outcome], worker, current_clock().now())
        )
    if untried:
        commit_step(lambda: delivery.release(untried, worker, current_clock().now()))
    return counts


def _post(item: LedgerItem, session, ctx: delivery.DeliveryContext):
    """POST one webhook event; return its outcome."""
    config = settings()
    request = webhook_request(item, config.base_url)
    try:
        status = post(
            session, request, config.webhook_timeout_seconds, config.webhook_allow_private_hosts
        )
    except WebhookFailure as exc:
        return delivery.failed(item, exc.detail, exc.temporary, ctx, current_clock().now())
    return delivery.sent(item, request.delivery_id, f"HTTP {status}")


def _count(outcomes: list, counts: Counter) -> None:
    for outcome in outcomes:
        if outcome.state == "sent":
            counts["sent"] += 1
        elif outcome.state == "pending":
            counts["retry"] += 1
        elif outcome.state == "failed":
            counts["failed"] += 1


@contextmanager
def clock_as_of(app: Flask, day: dt.date | None):
    """Run as of a day's send hour (for --today); today itself keeps the real clock."""
    current = app.extensions["tracker.clock"]
    if day is None or day == current.today():
        yield
        return
    config = app.extensions["tracker.settings"]
    at = dt.datetime.combine(day, dt.time(config.reminder_send_hour), config.zone)
    app.extensions["tracker.clock"] = FixedClock(config.zone, at)
    try:
        yield
    finally:
        app.extensions["tracker.clock"] = current
