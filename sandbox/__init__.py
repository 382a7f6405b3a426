"""The synthesized workflow stood up on one machine (``python -m sandbox`` from a checkout): moto for
the AWS services it has, emulators for MediaConvert and the SageMaker asynchronous endpoint, the
real Lambda handlers. A developer tool: not deployed and not in the product's wheel (it needs the
dev extra); docs/operations.md says what it proves. Every replacement of moto internals is in
:mod:`sandbox.moto_patches`."""
