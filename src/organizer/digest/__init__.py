"""The morning digest: at a time each person chooses (`/digest 8:00`), in their zone, the
worker sends the day's agenda plus what is overdue — once a day, also across restarts
(each is a `digest.sent` event under the key `digest:<user>:<local date>`), and not at
all on a day with nothing to show unless they asked for it always.

`plan` decides who is due (pure), `body` words the message, `loop` sends and records.
"""
