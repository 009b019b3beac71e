"""ResLens Lite's core: open, run, explain and teach a model without torch.

Everything in this package imports only numpy, Pillow, onnxruntime and the torch-free modules of
``core`` (a test blocks ``torch`` and ``torchvision`` and uses it), except :mod:`core.lite.export`
and :mod:`core.lite.quantize`, the full edition's writers of the Lite model file, which import
torch inside their functions.

- :mod:`core.lite.model_file`: the file format (ONNX graph + one JSON record in its
  ``metadata_props``), its validation, and rewriting the record without the ``onnx`` package;
- :mod:`core.lite.runtime`: :class:`~core.lite.runtime.LiteModel`, which classifies PIL images
  into the same :class:`~core.results.ClassificationResult` as the full edition;
- :mod:`core.lite.cam`: class activation maps at layer4 from layer4's output and the head;
- :mod:`core.lite.quick_head` and :mod:`core.lite.lbfgs`: the quick head (pooled layer2-4
  features, standardised, L2-regularised multinomial logistic regression fitted in numpy);
- :mod:`core.lite.quick_train`: a folder of classes -> a new Lite model file in seconds;
- :mod:`core.lite.cli`: the ``export`` and ``quick-train`` sub-commands of ``reslens-cli`` (and
  the quick training that ``train --quick`` and Lite's ``train`` run);
- :mod:`core.lite.commands`: ``classify``, ``explain`` and ``summary`` over a Lite model file,
  what the CLI runs in Lite and for ``--weights FILE.onnx`` in the full edition;
- :mod:`core.lite.auto`: backend Auto in Lite, the bundled fp32 file or its int8 one, measured
  and cached as :mod:`core.auto_backend` does for the full edition;
- :mod:`core.lite.refusals`: what needs torch, refused before any work (``NEEDS_FULL``);
- :mod:`core.lite.quantize`: the full edition's int8 Lite file (``export --precision int8``),
  which imports torch and onnx inside its functions, as :mod:`core.lite.export`.
"""

QUICK_INPUT_SIZE = 128
"""The quick head's default input size (see :mod:`core.lite.quick_train`); here, where the
CLI's parser reads it without importing numpy."""
