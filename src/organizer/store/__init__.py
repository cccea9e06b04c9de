"""Storage: the one owner of SQLite connections, the event store and the projections."""
