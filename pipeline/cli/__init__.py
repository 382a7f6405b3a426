"""The `clearscribe` command line: local commands, and the commands that read or drive the deployed stack."""
