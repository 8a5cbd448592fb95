"""The forms of the plan-import pages: upload, the draft's task and target corrections, confirmation."""

from __future__ import annotations

from django import forms

from kesu.plan_import.reading import ALLOWED_SUFFIXES
from kesu.progress.models import PeriodKind


class PlanUploadForm(forms.Form):
    region = forms.ModelChoiceField(label="方案所属地区", queryset=None)
    file = forms.FileField(
        label="方案文件", help_text="支持 " + "、".join(ALLOWED_SUFFIXES) + "，不超过 20 MB"
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if regions.count() == 1:
            self.fields["region"].initial = regions.first()


class ConfirmForm(forms.Form):
    period_kind = forms.ChoiceField(label="填报周期", choices=PeriodKind.choices, initial=PeriodKind.HALF_YEARLY)


class TaskEditForm(forms.Form):
    title = forms.CharField(label="任务标题", max_length=255)
    text = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    lead_units = forms.CharField(label="牵头单位", required=False, help_text="多个单位用顿号分隔")
    participating_units = forms.CharField(label="参与单位", required=False, help_text="多个单位用顿号分隔")


class TargetEditForm(forms.Form):
    value = forms.CharField(label="目标值", max_length=32)
    unit = forms.CharField(label="计量单位", max_length=16)
    comparator = forms.ChoiceField(
        label="比较", choices=[(c, c) for c in (">=", "<=", "=", ">", "<", "~")]
    )
    deadline_year = forms.CharField(label="时限年", max_length=4, required=False)
    delete = forms.BooleanField(label="删除此目标", required=False)
