"""The clearscribe pipeline: workflow steps, the local runner, the CLI, Lambda handlers."""
