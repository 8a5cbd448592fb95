class PlanImportError(ValueError):
    """The document or the edited draft cannot be imported; the message says why, in Chinese."""
