"""Where the pipeline's inputs come from: the IRS and NYC Parks downloads, or local copies."""
