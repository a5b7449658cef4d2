"""The Open SDG importer, as a package: the next commit splits `mapping.py` along its sections."""

from generator.importers.open_sdg.mapping import *  # noqa: F401,F403
from generator.importers.open_sdg.mapping import __all__  # noqa: F401
