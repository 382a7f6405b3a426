"""Every Lambda entry point of the workflow, one module per state, all in one style.

A handler parses its event into a typed model (``events``), puts the job id on the log keys,
calls one function of ``pipeline.cloud`` with the clients and settings of the shared runtime
(``runtime``) and returns that function's small result. Logging and tracing are Powertools'.
"""
