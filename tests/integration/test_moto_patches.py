"""The sandbox's replacements of moto internals (``sandbox/moto_patches.py``) fit the installed moto:
the pinned version, every replaced attribute still there and listed, and undone on exit."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sandbox.moto_patches import (
    MOTO_VERSION,
    TARGETS,
    Patches,
    invoke_patches,
    mediaconvert_sync_patches,
    moto_problems,
    runtime_patches,
    sns_lambda_delivery_patches,
    task_failure_cause_patches,
)
from sandbox.sagemaker import AsyncInvocation, AsyncResult

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _every_replacement() -> list[tuple[Any, Any, Any]]:
    def endpoint(invocation: AsyncInvocation) -> AsyncResult:
        raise LookupError(invocation.endpoint_name)

    return [
        *invoke_patches(lambda name, body, headers: b"{}"),
        *runtime_patches(endpoint),
        *sns_lambda_delivery_patches(lambda function_arn, event: None),
        *task_failure_cause_patches(),
        *mediaconvert_sync_patches(lambda: None),
    ]


def test_the_installed_moto_is_the_one_the_replacements_were_written_for() -> None:
    problems = moto_problems()
    assert not problems, (
        "moto changed under sandbox/moto_patches.py:\n  "
        + "\n  ".join(problems)
        + f"\nCheck each replacement against the new moto's source, then raise MOTO_VERSION ({MOTO_VERSION})"
        " and the dev extra's pin together."
    )


def test_the_dev_extra_pins_that_version() -> None:
    dev = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["optional-dependencies"]["dev"]
    (moto,) = [requirement for requirement in dev if requirement.startswith("moto[")]
    assert moto.endswith(f"]=={MOTO_VERSION}")


def test_an_attribute_gone_from_moto_is_named_with_the_module_that_replaces_it() -> None:
    problems = moto_problems([("moto.sns.models", "Subscription.no_such_method"), ("moto.no_such_module", "x")])
    assert "moto.sns.models.Subscription.no_such_method is gone (sandbox/moto_patches.py replaces it)" in problems
    assert "moto has no module moto.no_such_module" in problems


def test_every_attribute_replaced_is_listed_in_the_targets_that_are_checked() -> None:
    replaced = set()
    for target, name, _ in _every_replacement():
        if isinstance(target, dict):
            continue  # an item of a listed class attribute (StateTaskService's boto overrides)
        if isinstance(target, type):
            replaced.add((target.__module__, f"{target.__qualname__}.{name}"))
        else:
            replaced.add((target.__name__, name))
    assert replaced <= set(TARGETS), sorted(replaced - set(TARGETS))


def test_patches_are_undone_on_exit_and_leave_no_attribute_or_item_behind() -> None:
    class Target:
        kept = "original"

    items = {"kept": 1}
    replacements = [(Target, "kept", "new"), (Target, "added", "new"), (items, "kept", 2), (items, "added", 3)]
    with Patches(replacements):
        assert (Target.kept, Target.added, items) == ("new", "new", {"kept": 2, "added": 3})
    assert Target.kept == "original" and not hasattr(Target, "added")
    assert items == {"kept": 1}
