"""Every error organizer raises on purpose.

    OrganizerError
    ├── ConfigError            bad settings: exit 2
    ├── StorageError           the database cannot be used as it is: exit 2
    │   ├── NotADatabase
    │   ├── SchemaError        missing tables, pending or unknown migrations
    │   ├── MigrationDrift     an applied migration changed or disappeared
    │   ├── VolumeMismatch     DB_PATH is not on EXPECTED_DB_VOLUME
    │   ├── DatabaseBusy       the write lock could not be had in time
    │   ├── DatabaseDamaged    the file is corrupt (malformed pages): restore a backup
    │   └── ReplayError        an event that cannot be replayed
    ├── CanonError             the canon file is missing or invalid: exit 2
    ├── ConcurrencyError       a stream moved on under a command; retried
    ├── CalendarError          Google Calendar could not do what the worker asked
    │   ├── CalendarUnavailable   timeouts, 429, 5xx: retried with backoff
    │   └── CalendarRefused       no calendar, no access, a broken key: mode DEGRADED
    └── DomainError            a command that makes no sense for the state: exit 1
        ├── TaskNotFound
        ├── AmbiguousRef
        ├── InvalidTransition
        ├── NothingToUndo
        ├── InvalidLead        a reminder lead time out of range
        ├── NoteTooLong        a note longer than a note may be
        ├── InvalidDigestTime  a digest time that is no time of day
        └── InvalidRepeat      a repeat rule (RRULE) this code cannot compute

Entry points catch OrganizerError and turn it into their own output:
one `Error: ...` line in the CLI, a 4xx in the API, a reply in the bot.
"""

from __future__ import annotations


class OrganizerError(Exception):
    """Root of every error organizer raises on purpose."""

    exit_code = 1


class ConfigError(OrganizerError):
    """A setting is missing, malformed or inconsistent."""

    exit_code = 2


class StorageError(OrganizerError):
    """The database file cannot be used as it is."""

    exit_code = 2


class NotADatabase(StorageError):
    """The file at DB_PATH is not an SQLite database."""


class SchemaError(StorageError):
    """The schema is not the one this code expects."""


class MigrationDrift(StorageError):
    """An applied migration file changed or is missing."""


class VolumeMismatch(StorageError):
    """The database is not on the docker volume it must be on."""


class DatabaseBusy(StorageError):
    """Another process held the write lock for too long."""


class DatabaseDamaged(StorageError):
    """The database file is corrupt: SQLite reads malformed pages in it."""


class ReplayError(StorageError):
    """An event in the log cannot be replayed by this code."""


class CanonError(OrganizerError):
    """The canon file is missing or does not validate."""

    exit_code = 2


class ConcurrencyError(OrganizerError):
    """The stream was appended to by someone else since it was read."""


class CalendarError(OrganizerError):
    """Google Calendar could not do what the worker asked."""


class CalendarUnavailable(CalendarError):
    """A passing failure (timeout, 429, 5xx): try again later."""


class CalendarRefused(CalendarError):
    """A failure that lasts until someone fixes the configuration."""


class DomainError(OrganizerError):
    """A command that does not apply to the current state."""


class TaskNotFound(DomainError):
    """No task matches the reference."""


class AmbiguousRef(DomainError):
    """More than one task matches the reference."""


class InvalidTransition(DomainError):
    """The task's status does not allow the command."""

    def __init__(self, message: str, status: str = "") -> None:
        super().__init__(message)
        # The status in the way ("done", "cancelled", "open"), so that a reply can word
        # it in the person's language; "" when the refusal is not about the status.
        self.status = status


class NothingToUndo(DomainError):
    """The owner has no action left to undo."""


class InvalidLead(DomainError):
    """A reminder lead time that is not a whole number of minutes from 0 to a week.

    `problem` is "not_a_number", "negative" or "too_long"; `value` is what was given.
    """

    def __init__(self, problem: str, value: str) -> None:
        super().__init__(f"reminder lead time {value!r}: {problem.replace('_', ' ')}")
        self.problem = problem
        self.value = value


class NoteTooLong(DomainError):
    """A note longer than `limit` characters (`length` given); nothing was noted."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"a note is at most {limit} characters, this one has {length}; "
                         "split it into shorter notes")
        self.length = length
        self.limit = limit


class InvalidDigestTime(DomainError):
    """A digest time that is no time of day ("25:00", "8:75", "soon"); `value` is what was given."""

    def __init__(self, value: str) -> None:
        super().__init__(f"digest time {value!r}: not a time of day; e.g. 8:00")
        self.value = value


class InvalidRepeat(DomainError):
    """A repeat rule (RFC 5545 RRULE) that cannot be read or computed."""
