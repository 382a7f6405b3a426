"""A Lambda context object for calling handlers outside Lambda (the fields Powertools reads)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass
class FakeLambdaContext:
    function_name: str = "clearscribe-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:clearscribe-test"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/clearscribe-test"
    log_stream_name: str = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000
