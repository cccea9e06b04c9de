"""The `organizer` command line: thin commands over the application layer."""
