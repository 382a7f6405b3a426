"""The ids of the app's stacks (what ``cdk deploy`` names), importable without the CDK."""

NETWORK_STACK = "ClearscribeNetwork"
MODEL_STACK = "ClearscribeModel"
WORKFLOW_STACK = "ClearscribeWorkflow"
