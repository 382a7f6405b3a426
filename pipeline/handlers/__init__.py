"""Lambda handlers of the workflow: parse the event, call one step of ``pipeline.cloud``, return."""
