"""A module that only the layer provides (on /opt/python in AWS)."""


def shout(word: str) -> str:
    return word.upper() + "!"
