"""Reusable constructs: secure buckets, bundled Python Lambdas, the MediaConvert template, the state machine."""
