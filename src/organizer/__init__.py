"""organizer: a self-hosted personal organizer driven by a Telegram bot."""

__version__ = "0.1.0"
