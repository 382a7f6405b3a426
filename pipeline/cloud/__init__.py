"""The cloud side of the pipeline: the Step Functions steps as plain functions with injected clients.

Each step takes ids, small dicts and clients/stores, and returns the small dict the state machine
carries (pointers to S3, never payloads). ``pipeline.handlers`` wraps each one in a Lambda handler.
"""
