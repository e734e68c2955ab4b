"""iCalendar feeds of agencies' due dates, for Outlook, Thunderbird and phones to subscribe to."""
