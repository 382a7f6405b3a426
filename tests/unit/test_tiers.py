"""The unit tier's doors are shut: what would make a unit test slow or reach outside fails it."""

from __future__ import annotations

import socket
import subprocess

import pytest


def test_a_unit_test_cannot_start_a_program() -> None:
    with pytest.raises(AssertionError, match="may not start a program"):
        subprocess.run(["true"], check=False)


def test_a_unit_test_cannot_open_a_connection() -> None:
    with socket.socket() as sock, pytest.raises(AssertionError, match="may not open a network connection"):
        sock.connect(("127.0.0.1", 9))


def test_a_unit_test_cannot_create_an_aws_client() -> None:
    import boto3

    with pytest.raises(AssertionError, match="may not create an AWS client"):
        boto3.client("s3", region_name="us-east-1")


def test_every_unit_test_is_marked_unit(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("unit") is not None
