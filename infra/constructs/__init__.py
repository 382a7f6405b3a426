"""Reusable constructs: secure buckets, bundled Python Lambdas, the MediaConvert template, the state
machine, and the SageMaker endpoint (model package, role, async endpoint, scaling)."""
