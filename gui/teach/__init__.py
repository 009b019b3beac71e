"""Model ▸ Train New Model… and Model ▸ My Models: teach ResLens a person's own classes.

Widgets only; the work is ``core.dataset`` (what the classes hold), ``core.train`` (the plan and
the training run) and ``core.model_store`` (the folder of trained models).
"""
