"""The ``context`` object Lambda passes a handler, for tests that call handlers directly
(Powertools' ``inject_lambda_context`` reads these attributes)."""

from __future__ import annotations


class LambdaContext:
    function_version = "$LATEST"
    memory_limit_in_mb = "256"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    log_stream_name = "2026/11/28/[$LATEST]abcdef"

    def __init__(self, function_name: str = "stockflux-TestFunction-TEST",
                 remaining_ms: int = 60_000) -> None:
        self.function_name = function_name
        self.invoked_function_arn = ("arn:aws:lambda:us-east-1:000000000000:function:"
                                     + function_name)
        self.log_group_name = "/aws/lambda/" + function_name
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms
