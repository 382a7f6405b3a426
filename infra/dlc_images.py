"""Image URIs of the Hugging Face PyTorch inference Deep Learning Containers, without the sagemaker SDK.

The sagemaker SDK resolves these with ``image_uris.retrieve("huggingface", …)`` from a JSON table it
ships; the SDK pulls 300 MB (2.x) to 1 GB (3.x) of dependencies into the CDK app for one lookup, so
this module carries the part of that table the model stack needs: the account that hosts the
repository in each region (from ``sagemaker/image_uri_config/huggingface.json`` of sagemaker
2.257.7, ``inference`` scope). Which image, and what it holds, is ``infra/inference_image.py``.

URI: ``<account>.dkr.ecr.<region>.<url suffix>/huggingface-pytorch-inference:<tag>``. When the
stack's region is a token (an environment-agnostic stack), the account comes from a CloudFormation
mapping resolved at deploy time.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from constructs import Construct

from infra import inference_image

REPOSITORY = inference_image.REPOSITORY


#: Region -> account that hosts the DLC repositories (identical for the releases above).
REGISTRIES: dict[str, str] = {
    "af-south-1": "626614931356",
    "ap-east-1": "871362719292",
    "ap-northeast-1": "763104351884",
    "ap-northeast-2": "763104351884",
    "ap-northeast-3": "364406365360",
    "ap-south-1": "763104351884",
    "ap-south-2": "772153158452",
    "ap-southeast-1": "763104351884",
    "ap-southeast-2": "763104351884",
    "ap-southeast-3": "907027046896",
    "ap-southeast-4": "457447274322",
    "ca-central-1": "763104351884",
    "ca-west-1": "204538143572",
    "cn-north-1": "727897471807",
    "cn-northwest-1": "727897471807",
    "eu-central-1": "763104351884",
    "eu-central-2": "380420809688",
    "eu-north-1": "763104351884",
    "eu-south-1": "692866216735",
    "eu-south-2": "503227376785",
    "eu-west-1": "763104351884",
    "eu-west-2": "763104351884",
    "eu-west-3": "763104351884",
    "il-central-1": "780543022126",
    "me-central-1": "914824155844",
    "me-south-1": "217643126080",
    "sa-east-1": "763104351884",
    "us-east-1": "763104351884",
    "us-east-2": "763104351884",
    "us-gov-east-1": "446045086412",
    "us-gov-west-1": "442386744353",
    "us-west-1": "763104351884",
    "us-west-2": "763104351884",
}


class UnknownDlcError(ValueError):
    """No Hugging Face inference DLC is listed for the requested versions, processor or region."""


def url_suffix(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def image_uri(region: str, processor: str) -> str:
    """The image URI for a concrete region."""
    tag = inference_image.tag(processor)
    try:
        account = REGISTRIES[region]
    except KeyError:
        raise UnknownDlcError(f"no Hugging Face inference DLC registry listed for region {region!r}") from None
    return f"{account}.dkr.ecr.{region}.{url_suffix(region)}/{REPOSITORY}:{tag}"


@dataclass(frozen=True)
class ResolvedImage:
    uri: str
    account: str  # may be a token
    repository_arn: str  # may be a token


def resolve_image(scope: Construct, processor: str) -> ResolvedImage:
    """The image for ``scope``'s stack: literal for a concrete region, a mapping lookup otherwise."""
    stack = cdk.Stack.of(scope)
    tag = inference_image.tag(processor)
    if not cdk.Token.is_unresolved(stack.region):
        account = REGISTRIES.get(stack.region)
        if account is None:
            raise UnknownDlcError(f"no Hugging Face inference DLC registry listed for region {stack.region!r}")
        uri = image_uri(stack.region, processor)
    else:
        mapping = cdk.CfnMapping(
            scope,
            "DlcRegistries",
            mapping={region: {"account": acct} for region, acct in REGISTRIES.items()},
        )
        account = mapping.find_in_map(cdk.Aws.REGION, "account")
        uri = f"{account}.dkr.ecr.{cdk.Aws.REGION}.{cdk.Aws.URL_SUFFIX}/{REPOSITORY}:{tag}"
    repository_arn = cdk.Arn.format(
        cdk.ArnComponents(service="ecr", resource="repository", resource_name=REPOSITORY, account=account),
        stack,
    )
    return ResolvedImage(uri=uri, account=account, repository_arn=repository_arn)
