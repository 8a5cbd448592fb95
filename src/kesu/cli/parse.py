"""`kesu parse`: placeholder registered by the foundation; the parser issue fills it in."""
