"""Event-service bench (issue 4): S3, SQS and SNS operations and the event wires end to end,
fogbank side by side with moto's server mode and MiniStack. ``python -m bench.events``."""
