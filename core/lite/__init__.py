"""ResLens Lite's core: open, run, explain and teach a model without torch.

Everything in this package imports only numpy, Pillow, onnxruntime and the torch-free modules of
``core`` (a test blocks ``torch`` and ``torchvision`` and uses it), except :mod:`core.lite.export`,
the full edition's writer of the Lite model file, which imports torch inside its functions.

- :mod:`core.lite.model_file`: the file format (ONNX graph + one JSON record in its
  ``metadata_props``), its validation, and rewriting the record without the ``onnx`` package;
- :mod:`core.lite.runtime`: :class:`~core.lite.runtime.LiteModel`, which classifies PIL images
  into the same :class:`~core.results.ClassificationResult` as the full edition;
- :mod:`core.lite.cam`: class activation maps at layer4 from layer4's output and the head;
- :mod:`core.lite.quick_head` and :mod:`core.lite.lbfgs`: the quick head (pooled layer2-4
  features, standardised, L2-regularised multinomial logistic regression fitted in numpy);
- :mod:`core.lite.quick_train`: a folder of classes -> a new Lite model file in seconds;
- :mod:`core.lite.cli`: the ``export`` and ``quick-train`` sub-commands of ``reslens-cli``.
"""

QUICK_INPUT_SIZE = 128
"""The quick head's default input size (see :mod:`core.lite.quick_train`); here, where the
CLI's parser reads it without importing numpy."""
