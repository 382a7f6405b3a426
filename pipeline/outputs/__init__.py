"""What a job writes: the enriched JSON and its renderings (SRT, VTT, TXT), locally or to S3."""
