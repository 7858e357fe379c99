"""Serving: a SageMaker-compatible model endpoint and the SQL `predict` functions."""
