"""The synthesized workflow stood up on one machine (``clearscribe-sandbox``): moto for the AWS
services it has, emulators for MediaConvert and the SageMaker asynchronous endpoint, the real
Lambda handlers. Not deployed; docs/operations.md says what it proves."""
