"""The forms of the office's unit, user and region pages."""

from __future__ import annotations

from django import forms

from kesu.org.models import Role, Unit, UnitKind


class UnitForm(forms.Form):
    name = forms.CharField(label="规范名称", max_length=128)
    kind = forms.ChoiceField(label="类别", choices=UnitKind.choices, initial=UnitKind.GOVERNMENT)
    is_office = forms.BooleanField(label="纲要办所在单位", required=False)
    is_active = forms.BooleanField(label="在用", required=False, initial=True)
    aliases = forms.CharField(
        label="别名", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个，或用顿号分隔；方案中出现这些写法时自动对应到本单位",
    )


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label="并入单位", queryset=Unit.objects.none())

    def __init__(self, *args, source: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Unit.objects.filter(region_id=source.region_id).exclude(pk=source.pk)


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=64, required=False)
    role = forms.ChoiceField(
        label="角色",
        choices=[(r.value, r.label) for r in (Role.UNIT_REPORTER, Role.LEADER, Role.STATISTICIAN, Role.OFFICE_ADMIN)],
    )
    unit = forms.ModelChoiceField(label="所属单位（填报员）", queryset=Unit.objects.none(), required=False)
    region = forms.ModelChoiceField(label="所属地区（其他角色）", queryset=None, required=False)
    phone = forms.CharField(label="电话", max_length=32, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=8)

    def __init__(self, *args, regions, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.UNIT_REPORTER and not data.get("unit"):
            self.add_error("unit", "单位填报员必须选择所属单位")
        if data.get("role") and data.get("role") != Role.UNIT_REPORTER and not data.get("region"):
            self.add_error("region", "该角色必须选择所属地区")
        return data


class PasswordResetForm(forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput, min_length=8)


class RegionCSVForm(forms.Form):
    file = forms.FileField(label="CSV 文件", help_text="列：code,name,level,parent_code（UTF-8）")
