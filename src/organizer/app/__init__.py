"""The application layer: commands in, events out, through the one write path."""
