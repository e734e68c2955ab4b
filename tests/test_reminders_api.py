"""Contacts and the ledger over the API; the scheduler's jobs; the reminder commands."""

from __future__ import annotations

import datetime as dt
import json

from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner
from sqlalchemy import select

from jobs import reminders
from jobs.scheduler import MISFIRE_GRACE_SECONDS, build_scheduler
from tests.reminder_support import deliver, plan
from tracker.reminders.models import Notification

CONTACTS = "/api/v1/agencies/MOF/contacts"


def test_an_agency_manages_its_contacts(client, make, db_session):
    mof = make.auth("agency", "MOF")
    body = {"email": " Dau.Moi@MOF.gov.vn ", "name": "Nguyễn Văn An", "role": "head"}
    created = client.post(CONTACTS, json=body, headers=mof)
    assert created.status_code == 201, created.json
    assert created.json | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0,
        "agency": "MOF",
        "email": "dau.moi@mof.gov.vn",
        "name": "Nguyễn Văn An",
        "role": "head",
        "paused": False,
        "created_at": "",
        "updated_at": "",
    }
    again = client.post(CONTACTS, json={"email": "dau.moi@mof.gov.vn"}, headers=mof)
    assert again.status_code == 409
    url = f"{CONTACTS}/{created.json['id']}"
    paused = client.patch(url, json={"paused": True, "role": "focal_point"}, headers=mof)
    assert paused.status_code == 200 and paused.json["paused"] is True
    listing = client.get(CONTACTS + "?page_size=1", headers=mof).json
    assert (listing["total"], listing["page_size"], len(listing["items"])) == (1, 1, 1)
    assert client.delete(url, headers=mof).status_code == 204
    assert client.get(url, headers=mof).status_code == 404


def test_contact_input_is_checked(client, make):
    mof = make.auth("agency", "MOF")
    for body in (
        {"email": "not-an-address"},
        {"email": "a@b.vn", "role": "minister"},
        {"email": "a@b.vn", "paused": "yes"},
        {"email": "a\x00@b.vn"},
        {"email": "a@b.vn", "agency_id": 3},
        {},
    ):
        response = client.post(CONTACTS, json=body, headers=mof)
        assert response.status_code == 422, body
        assert response.json["code"] == "validation_error"
    assert client.get("/api/v1/agencies/NOPE/contacts", headers=mof).status_code == 404


def test_only_the_office_and_the_agency_see_its_contacts(client, make, office, viewer):
    make.contact("MOF", "dau.moi@mof.gov.vn")
    assert client.get(CONTACTS, headers=office).json["total"] == 1
    assert client.get(CONTACTS, headers=make.auth("agency", "MOH")).status_code == 403
    assert client.get(CONTACTS, headers=viewer).status_code == 403
    created = client.post(CONTACTS, json={"email": "x@mof.gov.vn"}, headers=office)
    assert created.status_code == 201


def test_removing_a_contact_skips_what_was_planned_for_it(app, client, make, clock, db_session):
    clock.set_today(dt.date(2026, 5, 4), hour=8)
    contact = make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(due_date=dt.date(2026, 5, 13))
    plan(app)
    mof = make.auth("agency", "MOF")
    assert client.delete(f"{CONTACTS}/{contact.id}", headers=mof).status_code == 204
    db_session.rollback()
    (row,) = db_session.scalars(select(Notification))
    assert (row.state, row.contact_id, row.last_error) == (
        "skipped",
        None,
        "The contact was removed.",
    )


def test_the_ledger_is_listed_for_the_office(
    app, client, make, clock, mail_sink, office, db_session
):
    clock.set_today(dt.date(2026, 5, 4), hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.contact("MOH", "dau.moi@moh.gov.vn")
    mof_task = make.task(lead_agency="MOF", due_date=dt.date(2026, 5, 13))
    make.task(lead_agency="MOH", due_date=dt.date(2026, 5, 13))
    plan(app)
    mail_sink.refuse = {"dau.moi@moh.gov.vn": "550 5.1.1 No such user"}
    deliver(app)
    everything = client.get("/api/v1/notifications", headers=office).json
    assert everything["total"] == 2 and everything["page"] == 1
    by_task = client.get(f"/api/v1/notifications?task_id={mof_task.id}", headers=office).json
    assert [(i["recipient"], i["state"], i["attempts"]) for i in by_task["items"]] == [
        ("dau.moi@mof.gov.vn", "sent", 1)
    ]
    failed = client.get("/api/v1/notifications?state=failed&agency=MOH", headers=office).json
    (item,) = failed["items"]
    assert item["last_error"] == "Recipient refused: 550 5.1.1 No such user"
    assert item["rule"] == "due_soon" and item["agency"] == "MOH"
    detail = client.get(f"/api/v1/notifications/{item['id']}", headers=office).json
    assert [(h["attempt"], h["outcome"]) for h in detail["history"]] == [(1, "failed")]
    page = client.get("/api/v1/notifications?page=2&page_size=1", headers=office).json
    assert (page["total"], len(page["items"])) == (2, 1)
    assert client.get("/api/v1/notifications?state=lost", headers=office).status_code == 422
    assert client.get("/api/v1/notifications?agency=NOPE", headers=office).status_code == 422
    mof = make.auth("agency", "MOF")
    assert client.get("/api/v1/notifications", headers=mof).status_code == 403


def test_the_scheduler_runs_planning_and_delivery(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"reminders.plan", "reminders.deliver"} <= set(jobs)
    for job_id, func, seconds in (
        ("reminders.plan", reminders.scheduled_plan, 600),
        ("reminders.deliver", reminders.deliver, 60),
    ):
        job = jobs[job_id]
        assert (job.max_instances, job.coalesce) == (1, True)
        assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS
        assert isinstance(job.trigger, IntervalTrigger)
        assert job.trigger.interval == dt.timedelta(seconds=seconds)
        assert job.args == (app, job_id, func)


def test_reminders_run_from_cron(app, make, clock, mail_sink, db_session):
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(title="Việc cho cron", due_date=dt.date(2026, 5, 13))
    result = CliRunner().invoke(
        app.cli, ["tracker", "reminders", "run", "--today", "2026-05-04"], catch_exceptions=False
    )
    summary = json.loads(result.output)
    assert summary["plan"]["created"] == {"due_soon": 1}
    assert summary["deliver"]["messages_sent"] == 1
    (mail,) = mail_sink.take()
    assert "Việc cho cron" in mail.text
    again = CliRunner().invoke(app.cli, ["tracker", "reminders", "deliver"], catch_exceptions=False)
    assert json.loads(again.output).get("messages_sent", 0) == 0
    assert mail_sink.take() == []
