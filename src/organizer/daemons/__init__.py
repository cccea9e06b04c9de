"""The long-running processes: api, worker and bot, each `async serve(settings, stop)`."""
