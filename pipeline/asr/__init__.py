"""Speech recognition: the local engines, re-decoding, offline weights, the SageMaker inference package."""
