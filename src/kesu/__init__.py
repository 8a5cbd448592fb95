"""kesu (科素): software for the offices that run the civic science-literacy action."""

__version__ = "0.1.0"
