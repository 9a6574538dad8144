"""Import the readers even while ``indexer/__init__.py`` cannot be imported.

The rest of ``indexer`` is being restructured; if its package ``__init__`` fails, the package is
registered without running it so that ``indexer.readers`` and ``indexer.analysis`` still load.
Once the package imports again this does nothing.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

try:
    importlib.import_module("indexer")
except ImportError:
    for name in [name for name in sys.modules if name == "indexer" or name.startswith("indexer.")]:
        del sys.modules[name]
    package = types.ModuleType("indexer")
    package.__path__ = [str(Path(__file__).resolve().parents[2] / "indexer")]
    sys.modules["indexer"] = package
