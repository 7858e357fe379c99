"""Errors a user can act on: each carries one plain sentence, never a stack trace."""


class PlaygroundsError(Exception):
    """An error whose message is meant for the user as it is."""


class InputError(PlaygroundsError):
    """An input file or folder is missing, empty or not in the expected shape."""
