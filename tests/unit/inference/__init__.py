"""Tests of the SageMaker inference module and the transformers engine."""
