"""Submodels: pure, vectorised functions over the model's state arrays.

Mechanisms never import programs, the model, the CLI or the app.
"""
