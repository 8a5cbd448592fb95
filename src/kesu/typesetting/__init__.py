"""Typesetting shared by every generated document (the evaluation reports, the 督办通知单): which
Chinese font each role uses and how a Word run is told about it. No Django, so that any layer may
use it."""
