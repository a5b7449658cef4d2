"""Compute: the one tidy observations table, periods, and the trends of every series. Pure: no files written."""
