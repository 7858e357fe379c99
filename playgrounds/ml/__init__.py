"""Machine learning: the workshop notebook as library code (features on Spark, XGBoost, AutoML, the model artifact, the report)."""
