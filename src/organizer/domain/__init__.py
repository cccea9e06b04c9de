"""The domain: pure commands, events and decisions. No I/O, no clock, no adapters."""
