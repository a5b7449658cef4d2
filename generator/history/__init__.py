"""History: what the repository's git history says: data releases, and the partner boundaries of a pull request."""
