"""Binding forms to what was posted. Every app's views need this, so it lives on the ground floor."""


def posted(request):
    """The POST data to bind a form to, or ``None`` on a GET. A form must be bound on every POST, an
    empty one included: an empty QueryDict is false, so ``request.POST or None`` leaves the form of an
    empty POST unbound, and the view then answers it as if nothing had been posted (or fails on it)."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None
