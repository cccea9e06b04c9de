"""The ops toolkit: the prod-v0 journal's checklist as functions.

    model      OK / WARN / FAIL results
    runner     checks run concurrently, each with its own timeout
    runtime    the small interface both runtimes implement (compose, local)
    probe      database-side facts, gathered where the database is
    logscan    log lines classified; incident signatures -> runbook hints
    daily      the daily check; baseline / drift in baseline.py
    predeploy  `ops check`: the deploy's files and settings
    hostvolume `ops verify-volume` from the host's view
    journal    the append-only record; render turns it into the markdown journal
    backups    restore drill, retention, restore and restore --at
"""
