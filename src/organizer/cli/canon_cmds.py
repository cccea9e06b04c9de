"""`organizer canon check` and `organizer parse`: the canon file and what it makes of a message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from organizer.cli import context

canon_app = typer.Typer(
    name="canon",
    help="The canon file: what the bot understands and says.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@canon_app.command("check")
def check(
    path: Annotated[
        Path | None, typer.Argument(help="Canon file to check; default CANON_PATH.")
    ] = None,
) -> None:
    """Validate a canon file; print every problem as path:line:col: key: message (exit 1).

    A file refused outright (YAML aliases nested beyond a small bound) is one line, exit 2.

    Example: organizer canon check canon/intents_v2.yml
    """
    from organizer.canon import check_canon, load_canon
    from organizer.canon.loader import refusal

    target = (path or context.settings().canon_path).absolute()
    refused = refusal(target)
    if refused is not None:
        raise context.fail(str(refused))
    issues = check_canon(target)
    if issues:
        for issue in issues:
            print(issue)
        print(f"{len(issues)} problem(s) in {target}")
        raise typer.Exit(code=1)
    with context.errors_to_exit():
        canon = load_canon(target)
    print(f"ok: {target} version {canon.version} sha256 {canon.sha256}")


def parse(
    text: Annotated[str, typer.Argument(help="The message, as a user would send it.")],
    now: Annotated[
        str | None,
        typer.Option("--now", help="ISO 8601 moment to read the message at; default: now."),
    ] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="IANA time zone of the user; default DEFAULT_TZ.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json/--no-json", help="Print the JSON object (the only output form).")
    ] = True,
) -> None:
    """Show how a message is understood: one JSON object with intent, title, due date and time.

    Example: organizer parse "завтра в 10 позвонить маме" --now 2025-03-12T14:00:00+03:00 --json
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from organizer.bootstrap import bootstrap
    from organizer.parsing import parse as parse_message

    settings = context.settings()
    zone_name = tz or settings.default_tz
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise context.fail(
            f"--tz {zone_name!r} is not an IANA time zone; use a name such as Europe/Moscow"
        ) from None
    if now is None:
        moment = datetime.now(zone)
    else:
        try:
            moment = datetime.fromisoformat(now.strip())
        except ValueError:
            raise context.fail(
                f"--now {now!r} is not an ISO 8601 time; use e.g. 2025-03-12T14:00:00+03:00"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
    with context.errors_to_exit():
        canon = bootstrap(settings).canon()
    result = parse_message(text, moment, zone_name, canon)
    print(json.dumps(result.to_json(), ensure_ascii=False))


def register(app: typer.Typer) -> None:
    """Add `canon check` and `parse` to the organizer command line."""
    app.add_typer(canon_app, name="canon")
    app.command("parse")(parse)
