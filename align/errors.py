"""Errors the CLI turns into one-line messages and exit codes."""


class DataError(Exception):
    """Input data that cannot be used (missing, empty, binary, malformed): exit code 1."""
