"""The worker: follows the event log and keeps Google Calendar and reminders in step."""
