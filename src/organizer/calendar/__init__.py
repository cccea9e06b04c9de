"""Google Calendar: one event per task with a due time, kept in step by the worker.

`ids` names events deterministically, `plan` decides what a task needs (pure),
`client` speaks to the Calendar v3 API, `sync` carries a plan out and turns
the outcome into events, `mode` keeps the calendar mode honest.
"""
