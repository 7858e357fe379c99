"""Deploy the workflow (and the model) to AWS from the same definition, and tear it down."""
