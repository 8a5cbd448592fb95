"""Who may read and upload survey waves; builds on kesu.org.permissions.

- office admins and statisticians upload, recompute and delete waves of their region and of
  every region under it;
- leaders read the results of their region's subtree and never write;
- unit reporters have no access (403).
Regions and waves outside the user's subtree answer 404, as everywhere in kesu.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kesu.literacy.models import SurveyWave
from kesu.org.models import Region, Role, User
from kesu.org.permissions import get_visible_or_404, require_role, visible_regions

READ_ROLES = (Role.OFFICE_ADMIN, Role.STATISTICIAN, Role.LEADER)
UPLOAD_ROLES = (Role.OFFICE_ADMIN, Role.STATISTICIAN)


def region_for_reading(user: User, code: str) -> Region:
    require_role(user, *READ_ROLES)
    return get_visible_or_404(visible_regions(user), code=code)


def wave_for_reading(user: User, wave_id: int) -> SurveyWave:
    require_role(user, *READ_ROLES)
    waves = SurveyWave.objects.filter(region__in=visible_regions(user)).select_related("region")
    return get_visible_or_404(waves, pk=wave_id)


def can_upload(user: User, region: Region) -> bool:
    return (
        user.is_authenticated
        and user.role in UPLOAD_ROLES
        and user.region_id is not None
        and region.is_within(user.region)
    )


def require_upload(user: User, region: Region) -> None:
    if not can_upload(user, region):
        raise PermissionDenied("仅本区划（或上级）的统计人员、纲要办管理员可上传或修改抽样调查数据")


def region_for_upload(user: User, code: str) -> Region:
    require_role(user, *UPLOAD_ROLES)
    region = get_visible_or_404(visible_regions(user), code=code)
    require_upload(user, region)
    return region
