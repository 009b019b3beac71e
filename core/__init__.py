"""ResLens core: models, weights, preprocessing, inference and training. Never imports Qt."""

__version__ = "0.1.0"
