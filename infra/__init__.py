"""The clearscribe CDK app: network, model and workflow stacks and their constructs."""
