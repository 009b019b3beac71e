"""``reslens-cli batch``: the desktop classifier over millions of images, resumable, one row per input.

The same :class:`~core.inference.Classifier` runs everywhere; only what feeds it changes:

- :mod:`core.batch.inputs` turns a folder, a glob or a manifest (text, Parquet, CSV; local or a
  pyarrow URI such as ``s3://``) into a list of sources;
- :mod:`core.batch.rows` classifies a chunk of sources with the desktop pipeline and turns the
  results into rows (the ``classify --json`` fields plus ``backend``), one per source, errors
  included;
- :mod:`core.batch.shards` writes Parquet shards so that a half-written one is never taken for
  done, and reads back which sources an output folder already holds (resume);
- :mod:`core.batch.local` runs chunks in this process; :mod:`core.batch.ray_engine` runs them in a
  Ray Data actor pool (``map_batches`` with a callable class) and writes with Ray's Parquet writer.

Nothing here imports Ray or pyarrow at import time, nor with an ``import`` statement at all: both
come with the optional ``cluster`` extra and go through :func:`core.batch.inputs.require`, so
PyInstaller, which collects ``core`` whole for the desktop bundle, does not pull them in.
"""

from core.batch.inputs import resolve_inputs
from core.batch.rows import BatchSpec
from core.batch.shards import read_rows, scan_output

__all__ = ["BatchSpec", "read_rows", "resolve_inputs", "scan_output"]
