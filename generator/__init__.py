"""Publish a collective-impact initiative's shared measurement as an open-data website.

The pipeline, one module per stage (see DESIGN.md):

    agenda / packages  ->  validation  ->  observations  ->  trends  ->  charts  ->  pages, downloads  ->  site

The command line (`indicators`, in `cli.py`) is a thin layer over `generator.api`.
"""

__version__ = "0.1.0"

# The build's stages, in order, as the build times them and the benchmark reports them.
STAGES = ("load", "validate", "compute", "charts", "images", "pages", "mkdocs")
