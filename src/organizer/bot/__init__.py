"""The Telegram bot: conversation (text → canon parser → command → reply), keyboards,
voice through ASR, and the long-polling loop that applies every update exactly once.

Only `organizer.daemons.bot` imports this package's aiogram parts (`handlers`,
`polling`), so `organizer --help` never pays aiogram's import time.
"""
