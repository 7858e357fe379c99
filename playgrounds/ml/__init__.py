"""Machine learning: the workshop notebook as library code.

Features on Spark, XGBoost, AutoML, the model artifact and the report.
"""
