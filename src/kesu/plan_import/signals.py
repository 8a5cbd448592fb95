"""Sent by `services.confirm_import` inside its transaction once the plan and its tasks are written,
so that an app above (kesu.cascade) can store the parent and links the office chose in the preview
without this app depending on it. A receiver's error rolls the whole import back."""

from django.dispatch import Signal

# Arguments: plan, actor, parent ("plan:<pk>", "national", "none" or None when the office did not
# choose), links ({task code: {"parent": parent task code | national heading code | None, "confirmed"}}).
plan_imported = Signal()
