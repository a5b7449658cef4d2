"""Publish a collective-impact initiative's shared measurement as an open-data website.

The pipeline, one module per stage (see DESIGN.md):

    agenda / packages  ->  validation  ->  observations  ->  trends  ->  charts  ->  pages, downloads  ->  site

The command line (`indicators`, in `cli.py`) is a thin layer over `generator.api`.
"""

__version__ = "0.1.0"

# The build's stages, in the order the build's own process spends its time on them, as the build times them and the
# benchmark reports them. The images are drawn by other processes from the start of `validate` until the end of
# `mkdocs`; `images` is the time the build waits for them after that, and puts them in the site.
STAGES = ("load", "validate", "compute", "charts", "history", "downloads", "pages", "mkdocs", "images")
