"""ResLens' desktop app (PySide6): the window, its worker threads and Qt item models over core.

Nothing here holds model logic; every number comes from ``core``. The window appears before torch
is imported: modules imported at start-up never import ``core.resnet``, ``core.summary``,
``core.weights``, ``core.inference`` or ``core.devices`` (they are imported in worker threads).
"""
