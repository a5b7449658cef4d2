"""Publish: chart specs and images, pages, downloads, and the MkDocs site made from them."""
