"""``ModelPackage``: the self-contained ``model.tar.gz`` as a CDK file asset.

The weights are resolved (hub cache, the bundled offline model, or a local directory) and the
archive is staged in the persistent artifact cache (``infra/model_artifact.py``); the asset's
hash is the archive's content digest, so CDK neither fingerprints 1.5 GB again nor re-uploads an
unchanged model. When the CDK CLI does not need this stack's assets (``cdk deploy`` of another
stack only, or ``aws:cdk:bundling-stacks`` excluding it), nothing is built and a placeholder stands
in, as CDK does for skipped bundling.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from infra.model_artifact import ARCHIVE_NAME, stage_model_artifact, write_archive
from infra.model_config import ModelConfig
from infra.model_weights import resolve_weights

SKIPPED_HASH = "model-artifact-not-built"


class ModelPackage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: ModelConfig) -> None:
        super().__init__(scope, construct_id)
        cache_dir = config.cache_dir
        if cdk.Stack.of(self).bundling_required:
            weights = resolve_weights(
                config.model_id, revision=config.model_revision, weights_dir=config.weights_dir, cache_dir=cache_dir
            )
            staged = stage_model_artifact(weights, cache_dir)
            path, asset_hash = staged.path, staged.digest
        else:
            path, asset_hash = cache_dir / "placeholder" / ARCHIVE_NAME, SKIPPED_HASH
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                write_archive(path, iter([("NOT-BUILT", b"bundling was skipped for this stack\n")]))
        #: The name every transcript records.
        self.model_name = config.model_id
        self.asset = s3_assets.Asset(self, "Archive", path=str(path), asset_hash=asset_hash)
