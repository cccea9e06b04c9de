"""The HTTP API: `/health` that tells the truth and `/metrics` for Prometheus."""
