"""Parsing S3 "Object Created" events into the source object of a job."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

from pipeline.cloud.events import SourceObject, parse_source_event
from shared.errors import EmptyFileError, InvalidMediaError
from shared.ids import job_id_for_object

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def eventbridge(key: str, **obj: Any) -> dict[str, Any]:
    event = load_event("eventbridge_object_created.json")
    event["detail"]["object"]["key"] = key
    event["detail"]["object"].update(obj)
    return event


def notification(encoded_key: str) -> dict[str, Any]:
    event = load_event("s3_notification_object_created.json")
    event["Records"][0]["s3"]["object"]["key"] = encoded_key
    return event


def test_eventbridge_event_gives_bucket_key_version_and_size() -> None:
    event = load_event("eventbridge_object_created.json")
    source = parse_source_event(event)
    obj = event["detail"]["object"]
    assert source == SourceObject(event["detail"]["bucket"]["name"], obj["key"], obj["version-id"], obj["size"])
    assert source.uri == f"s3://{source.bucket}/{source.key}"
    assert source.job_id == job_id_for_object(source.bucket, source.key, obj["version-id"])


def test_unversioned_eventbridge_event_uses_the_etag() -> None:
    event = load_event("eventbridge_object_created_unversioned.json")
    source = parse_source_event(event)
    assert "version-id" not in event["detail"]["object"]
    assert source.version == event["detail"]["object"]["etag"]


@pytest.mark.parametrize(
    "key",
    ["uploads/team meeting 2024.mp4", "uploads/réunion été – Zoë.mov", "uploads/c++ talk+q&a.mp4", "a%20b.mkv"],
)
def test_eventbridge_keys_are_taken_as_they_are(key: str) -> None:
    assert parse_source_event(eventbridge(key)).key == key


@pytest.mark.parametrize(
    "key",
    [
        "uploads/team meeting 2024.mp4",
        "uploads/réunion été – Zoë.mov",
        "uploads/c++ talk+q&a.mp4",
        "uploads/100% done.webm",
    ],
)
def test_notification_keys_are_url_decoded(key: str) -> None:
    encoded = quote_plus(key, safe="/")
    assert encoded != key
    assert parse_source_event(notification(encoded)).key == key


def test_notification_and_eventbridge_for_one_object_name_the_same_job() -> None:
    key = "uploads/Q3 review + plans.mp4"
    bridge = eventbridge(key, **{"version-id": "v1"})
    note = notification(quote_plus(key, safe="/"))
    note["Records"][0]["s3"]["object"]["versionId"] = "v1"
    note["Records"][0]["s3"]["bucket"]["name"] = bridge["detail"]["bucket"]["name"]
    assert parse_source_event(bridge).job_id == parse_source_event(note).job_id


@pytest.mark.parametrize("key", ["uploads/notes.txt", "uploads/video", "uploads/folder/", "uploads/archive.mp4.zip"])
def test_non_media_keys_are_rejected(key: str) -> None:
    with pytest.raises(InvalidMediaError):
        parse_source_event(eventbridge(key))


def test_media_suffix_check_ignores_case() -> None:
    assert parse_source_event(eventbridge("uploads/CLIP.MP4")).key == "uploads/CLIP.MP4"


def test_empty_object_is_rejected_with_its_own_code() -> None:
    with pytest.raises(EmptyFileError) as info:
        parse_source_event(eventbridge("uploads/empty.mp4", size=0))
    assert info.value.code == "EMPTY_FILE"


@pytest.mark.parametrize("event", [{}, {"detail": {}}, {"Records": [{"s3": {}}]}, {"detail-type": "Object Created"}])
def test_malformed_events_are_rejected(event: dict[str, Any]) -> None:
    with pytest.raises(InvalidMediaError):
        parse_source_event(event)


def test_event_without_version_or_etag_is_rejected() -> None:
    event = eventbridge("uploads/a.mp4")
    obj = event["detail"]["object"]
    obj.pop("version-id")
    obj.pop("etag")
    with pytest.raises(InvalidMediaError):
        parse_source_event(event)


def test_source_round_trips_through_its_dict() -> None:
    source = parse_source_event(load_event("eventbridge_object_created.json"))
    data = copy.deepcopy(source.to_dict())
    assert data["uri"] == source.uri
    assert SourceObject.from_dict(data) == source


def test_an_event_of_another_shape_is_rejected_naming_the_field() -> None:
    event = eventbridge("uploads/a.mp4")
    del event["detail"]["object"]["key"]
    with pytest.raises(InvalidMediaError) as info:
        parse_source_event(event)
    assert "detail.object.key: Field required" in info.value.message
