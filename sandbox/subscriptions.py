"""SNS topics' Lambda subscriptions, delivered to the emulated functions.

An ``AWS::SNS::Subscription`` of protocol ``lambda`` in the templates is subscribed in moto, so
moto decides what a publish reaches (filter policies included). moto cannot run the function
itself; :class:`LambdaSubscriptions` takes over that delivery
(:func:`sandbox.moto_patches.sns_lambda_delivery_patches` hands it the messages): each message is sent to the
emulated function asynchronously, as SNS invokes Lambda (the publisher does not wait), with the
event SNS sends (``Records[0].Sns``: the topic's ARN, the message, its id and timestamp). A function
error is retried twice, as Lambda retries an asynchronous invocation; a message still failing is
counted in :attr:`LambdaSubscriptions.failed`.

:attr:`LambdaSubscriptions.lose_messages` drops every delivery instead (counted in
:attr:`LambdaSubscriptions.lost`): a notification that never arrives, for what has to cope with
one.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

#: Invocations of one message: the first and Lambda's two retries of an asynchronous invocation.
ATTEMPTS = 3

InvokeFn = Callable[[str, Any, dict[str, str]], bytes]


def sns_event(*, topic_arn: str, subscription_arn: str, message: str, message_id: str, subject: str | None) -> dict:
    """The event SNS invokes a subscribed function with."""
    return {
        "Records": [
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "EventSource": "aws:sns",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": topic_arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                    "SignatureVersion": "1",
                    "Signature": "sandbox",
                    "SigningCertUrl": "https://sns.invalid/sandbox.pem",
                    "UnsubscribeUrl": "https://sns.invalid/unsubscribe",
                    "MessageAttributes": {},
                },
            }
        ]
    }


class LambdaSubscriptions:
    """Delivery of SNS messages to Lambda subscribers through ``invoke`` (the sandbox's functions)."""

    def __init__(self, invoke: InvokeFn) -> None:
        self.invoke = invoke
        self.lose_messages = False
        self.delivered = 0
        self.failed = 0
        self.lost = 0
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def deliver(self, function_arn: str, event: dict[str, Any]) -> None:
        """Invoke the function with ``event`` in the background (retrying a function error)."""
        with self._lock:
            if self.lose_messages:
                self.lost += 1
                return
            thread = threading.Thread(target=self._invoke, args=(function_arn, event), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _invoke(self, function_arn: str, event: dict[str, Any]) -> None:
        body = json.dumps(event).encode("utf-8")
        for _ in range(ATTEMPTS):
            headers: dict[str, str] = {}
            try:
                self.invoke(function_arn, body, headers)
            except Exception:  # the function is gone (the sandbox is closing)
                break
            if "x-amz-function-error" not in headers:
                with self._lock:
                    self.delivered += 1
                return
        with self._lock:
            self.failed += 1

    def wait(self, timeout: float = 60) -> None:
        """Wait for the deliveries under way."""
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))
