"""Registries of outreach resources (科普资源): outreach bases with their recognition lifecycle, the
people and organisations behind outreach, and activities. One module per family; this package
re-exports them so that `kesu.resources.models.X` works for every model."""

from kesu.resources.models.activities import (  # noqa: F401
    Activity,
    ActivityEvidence,
    ActivityKind,
    ActivityPhoto,
    Audience,
)
from kesu.resources.models.bases import (  # noqa: F401
    ApplicationStatus,
    BaseAnnualReport,
    BaseApplication,
    BaseCategory,
    BaseLevel,
    BaseStatus,
    LevelPolicy,
    OutreachBase,
    ReExamination,
    ReExaminationOutcome,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
)
from kesu.resources.models.people import (  # noqa: F401
    Availability,
    Expert,
    ExpertiseTag,
    Messenger,
    Organisation,
    OrganisationKind,
    ServiceRecord,
    TeamKind,
    Volunteer,
    VolunteerTeam,
)
