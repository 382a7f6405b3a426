"""Common code for clearscribe: typed models, job status, storage interfaces, config, errors."""
