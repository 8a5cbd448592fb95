"""科普内容: the content library and its scientific review, distribution and targeted push, debunking
and emergency outreach. One module per family; everything is importable from here."""

from kesu.content.models.distribution import (
    Channel,
    Publication,
    Push,
    PushRecipient,
    Subscription,
)
from kesu.content.models.emergencies import (
    EmergencyEvent,
    EmergencyLevel,
    EmergencyPackage,
    EmergencyStatus,
    EventType,
    TimelineEntry,
    TimelineKind,
)
from kesu.content.models.library import (
    Audience,
    ContentItem,
    ContentKind,
    ContentSource,
    ContentStatus,
    ContentVersion,
    Licence,
    Topic,
)
from kesu.content.models.review import ContentReview, ReviewPolicy, ReviewRound, RoundStatus, Verdict
from kesu.content.models.rumours import Rumour, RumourStatus, Spread

__all__ = [
    "Audience", "Channel", "ContentItem", "ContentKind", "ContentReview", "ContentSource", "ContentStatus",
    "ContentVersion", "EmergencyEvent", "EmergencyLevel", "EmergencyPackage", "EmergencyStatus", "EventType",
    "Licence", "Publication", "Push", "PushRecipient", "ReviewPolicy", "ReviewRound", "RoundStatus", "Rumour",
    "RumourStatus", "Spread", "Subscription", "TimelineEntry", "TimelineKind", "Topic", "Verdict",
]
