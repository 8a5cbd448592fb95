"""Forms of the registry pages. The record form is built from the kind's columns (kesu.resources.kinds),
so the page asks for what the Excel template asks for, under the same headers; checks beyond a field's
own type are the service's (services.save_record, lifecycle), whose errors the views put on the field
they name."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kesu.org.models import Region, Role, User
from kesu.org.permissions import home_region, visible_units
from kesu.resources import permissions
from kesu.resources.kinds import Kind
from kesu.resources.masking import mask
from kesu.resources.models import (
    Audience,
    BaseLevel,
    ExpertiseTag,
    ReExaminationOutcome,
    VolunteerTeam,
)
from kesu.resources.services import LIFECYCLE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YEARS = (2000, 2100)


def this_year() -> int:
    return timezone.localdate().year


def region_in_reach(user: User, code: str) -> Region | None:
    """The region with `code` if it lies in the user's home region's subtree."""
    home = home_region(user)
    region = Region.objects.filter(code=(code or "").strip()).first()
    if home is None or region is None or not region.is_within(home):
        return None
    return region


class RegionCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "区划代码")
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("help_text", "六位行政区划代码，须在本辖区内")
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "region-codes", "inputmode": "numeric", "autocomplete": "off"})


def _year_field(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=YEARS[0], max_value=YEARS[1], **kwargs)


class RecordForm(forms.Form):
    """One registry record of `kind`, created or edited by `user`.

    Phone and ID numbers are write-only for users who may not see them: the field starts empty and an
    empty answer keeps what is stored (a masked value written back would destroy the number)."""

    def __init__(self, data=None, *, kind: Kind, user: User, instance=None):
        super().__init__(data)
        self.kind, self.user, self.instance = kind, user, instance
        self.sees_personal = permissions.sees_personal_data(user)
        self.unit_fixed = user.role == Role.UNIT_REPORTER
        self.personal: list[str] = []
        for column in kind.columns:
            if kind.code == "base" and column.attr in LIFECYCLE_FIELDS:
                continue  # a base's standing moves only through the recognition lifecycle
            field = self._field_for(column)
            if field is None:
                continue
            field.label = column.header
            field.error_messages["required"] = f"请填写{column.header}"
            if column.required and column.attr not in ("end_date",):
                field.required = True
            self.fields[column.attr] = field
            if column.personal:
                self.personal.append(column.attr)
                self._write_only(column.attr)
        if kind.code == "activity" and not self.unit_fixed:
            self.fields["organiser_name"] = forms.CharField(
                label="主办单位（名录外）", max_length=128, required=False,
                help_text="主办单位不在单位名录中时填写名称",
            )
        if kind.code == "base" and not self.unit_fixed:
            self.fields["applicant_unit"] = forms.ModelChoiceField(
                label="申报单位", queryset=visible_units(user).order_by("name"), required=False,
                help_text="代为申报、填报年报的成员单位；可留空",
            )
        if instance is not None:
            self._fill_from(instance)
        else:
            region = home_region(user)
            self.fields["region"].initial = region.code if region is not None else ""

    def _field_for(self, column) -> forms.Field | None:
        model = self.kind.model
        if column.attr == "region":
            return RegionCodeField()
        if column.attr == "tags":
            return forms.MultipleChoiceField(
                choices=[(t.name, t.name) for t in ExpertiseTag.objects.all()], required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
            )
        if column.attr == "team":
            teams = permissions.in_scope(self.user, VolunteerTeam).filter(is_active=True).order_by("name")
            return forms.ModelChoiceField(queryset=teams, required=False)
        if column.attr == "organiser":
            if self.unit_fixed:
                return None  # a unit records its own activities
            return forms.ModelChoiceField(queryset=visible_units(self.user).order_by("name"), required=False)
        if column.attr == "audiences":
            return forms.MultipleChoiceField(choices=Audience.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}))
        model_field = model._meta.get_field(column.attr)
        field = model_field.formfield()
        if isinstance(field, forms.DateField):
            field.widget = DATE
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 3
        if column.attr == "end_date":
            field.required = False
            field.help_text = "一天的活动可留空"
        return field

    def _write_only(self, name: str) -> None:
        if self.sees_personal:
            return
        field = self.fields[name]
        field.required = False
        stored = getattr(self.instance, name, "") if self.instance is not None else ""
        field.help_text = (f"已登记 {mask(stored)}（仅纲要办管理员可见完整号码）；留空则保持不变"
                           if stored else "仅纲要办管理员可见完整号码")

    def _fill_from(self, instance) -> None:
        for name in self.fields:
            if name == "region":
                value = instance.region.code
            elif name == "tags":
                value = [t.name for t in instance.tags.all()]
            elif name == "audiences":
                value = instance.audience_list
            elif name in ("team", "organiser", "applicant_unit"):
                value = getattr(instance, f"{name}_id")
            elif name in self.personal and not self.sees_personal:
                value = ""
            else:
                value = getattr(instance, name)
            self.initial[name] = value

    def clean_region(self):
        region = region_in_reach(self.user, self.cleaned_data["region"])
        if region is None:
            raise forms.ValidationError("区划代码不存在或不在本辖区内")
        return region

    def clean(self):
        data = super().clean()
        if self.kind.code == "activity" and data.get("start_date") and not data.get("end_date"):
            data["end_date"] = data["start_date"]
        return data

    def values(self) -> dict:
        """The model field values for services.save_record."""
        values, data = {}, self.cleaned_data
        for name, value in data.items():
            if name == "tags":
                continue
            if name in ("team", "organiser", "applicant_unit"):
                values[f"{name}_id"] = value.pk if value is not None else None
            elif name == "audiences":
                values[name] = ",".join(value)
            elif name in self.personal and not self.sees_personal and not value:
                continue
            elif value is None and isinstance(self.fields[name], forms.CharField):
                values[name] = ""
            else:
                values[name] = value
        if self.unit_fixed and self.instance is None and self.kind.code in ("activity", "base"):
            values["organiser_id" if self.kind.code == "activity" else "applicant_unit_id"] = self.user.unit_id
        return values

    def tags(self) -> list[str] | None:
        return self.cleaned_data.get("tags") if "tags" in self.fields else None


# --- the base lifecycle ----------------------------------------------------------------------


class ApplyForm(forms.Form):
    level = forms.ChoiceField(label="申报级别", choices=BaseLevel.choices)
    year = _year_field("申报年度")

    def __init__(self, data=None, *, base=None):
        super().__init__(data, initial={"year": this_year()})
        if base is not None and base.is_standing and base.level:
            rank = BaseLevel.rank(base.level)
            self.fields["level"].choices = [(v, label) for v, label in BaseLevel.choices if BaseLevel.rank(v) > rank]


class CommentForm(forms.Form):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PanelForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(label="评审专家", queryset=None, widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": "请至少选择一位评审专家"})

    def __init__(self, data=None, *, experts):
        super().__init__(data)
        self.fields["experts"].queryset = experts


class RecogniseForm(forms.Form):
    plaque_number = forms.CharField(label="牌匾编号", max_length=64)
    year = _year_field("认定年度")
    comment = forms.CharField(label="认定意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ScoreForm(forms.Form):
    """One score per review criterion (field `c<criterion id>`), and the expert's comment."""

    comment = forms.CharField(label="评审意见", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, data=None, *, criteria, initial=None):
        super().__init__(data, initial=initial)
        self.criteria = list(criteria)
        scores = {}
        for criterion in self.criteria:
            scores[f"c{criterion.pk}"] = forms.FloatField(
                label=f"{criterion.name}（满分{criterion.max_score:g}）", min_value=0, max_value=criterion.max_score,
                widget=forms.NumberInput(attrs={"step": "0.5"}),
            )
        self.fields = {**scores, "comment": self.fields["comment"]}

    def scores(self) -> dict[int, float]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class AnnualReportForm(forms.Form):
    year = _year_field("年度")
    visitors = forms.IntegerField(label="接待人次", min_value=0)
    activities = forms.IntegerField(label="开展活动次数", min_value=0)
    open_days = forms.IntegerField(label="开放天数", min_value=0)
    summary = forms.CharField(label="工作总结", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReExamineForm(forms.Form):
    year = _year_field("复核年度")
    outcome = forms.ChoiceField(label="结论", choices=ReExaminationOutcome.choices)
    comment = forms.CharField(label="复核意见", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              help_text="限期整改或撤销时必须填写")
    rectify_by = forms.DateField(label="整改期限", widget=DATE, required=False, help_text="限期整改时填写")


# --- people and activities -------------------------------------------------------------------


class ServiceRecordForm(forms.Form):
    date = forms.DateField(label="服务日期", widget=DATE)
    hours = forms.FloatField(label="服务时长（小时）")
    description = forms.CharField(label="服务内容", max_length=255)
    beneficiaries = forms.IntegerField(label="服务人次", min_value=0, initial=0, required=False)


class PhotoForm(forms.Form):
    file = forms.FileField(label="活动照片（JPG、PNG）")


class EvidenceForm(forms.Form):
    report = forms.IntegerField(widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label="填好的模板（.xlsx）")
    region = RegionCodeField(help_text="导入的记录须在该区划及其下级区划内；默认为本辖区")
    skip_invalid = forms.BooleanField(label="跳过有问题的行，导入其余各行", required=False,
                                      help_text="不勾选时，只要有一行有问题，整个文件都不导入")

