"""What a job writes: the enriched JSON and its renderings (SRT, VTT, TXT, the HTML report), locally or to S3."""
