"""Load: the project's layout, the common agenda, partner packages and their tables, read without judging them."""
