#!/usr/bin/env bash
# Run the service for a newcomer: SQLite under instance/, registry and demo data, API, scheduler,
# and a local mail sink that writes every reminder e-mail to instance/mail/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
FLASK=".venv/bin/flask --app wsgi"
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
MAIL_PORT=${MAIL_PORT:-8025}
MAIL_DIR=${MAIL_DIR:-instance/mail}
# Reminders go to the local sink, never to real addresses.
export TRACKER_SMTP_HOST=127.0.0.1 TRACKER_SMTP_PORT="$MAIL_PORT" TRACKER_SMTP_SECURITY=none
# The service has no built-in secret key: this instance gets its own random one, kept (owner-only)
# in instance/secret-key so that sessions and calendar feed addresses survive a restart.
if [ -z "${TRACKER_SECRET_KEY:-}" ]; then
  mkdir -p instance
  if [ ! -s instance/secret-key ]; then
    (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > instance/secret-key)
  fi
  TRACKER_SECRET_KEY=$(cat instance/secret-key)
  export TRACKER_SECRET_KEY
fi

$FLASK db upgrade
$FLASK tracker demo
token=$($FLASK tracker demo-token | tail -n 1)

.venv/bin/python -m jobs.mailsink --dir "$MAIL_DIR" --host 127.0.0.1 --port "$MAIL_PORT" &
mailsink=$!
$FLASK tracker scheduler &
scheduler=$!
trap 'kill "$scheduler" "$mailsink" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Directive Tracker is running on SQLite (instance/tracker.db).
    API:      http://$HOST:$PORT/api/v1
    Docs:     http://$HOST:$PORT/api/v1/docs
    Token of the demo Government Office user (office@demo.vpcp.gov.vn):
      $token
    Try:      curl -H "Authorization: Bearer $token" "http://$HOST:$PORT/api/v1/tasks?timeliness=open_overdue"
  The scheduler runs as its own process (pid $scheduler); on working days from 08:00 it sends
  reminders to the demo contacts through a local mail sink (pid $mailsink): read them in $MAIL_DIR/.
  Stop everything with Ctrl-C.

MSG
# A long CSV/XLSX export streams for a while: give requests more than gunicorn's default 30 s.
.venv/bin/gunicorn --bind "$HOST:$PORT" --workers 2 --timeout 300 --access-logfile - wsgi:app
