from __future__ import annotations

from django import forms

from kesu.indicators.models import AggregationRule, Category, DataSet, ElementGroup, ValueType


class IndicatorForm(forms.Form):
    code = forms.CharField(label="代码", max_length=40, help_text="小写英文、数字、下划线，如 venue_area_per_10k")
    name = forms.CharField(label="名称", max_length=80)
    group = forms.ChoiceField(label="类别", choices=ElementGroup.choices)
    numerator = forms.CharField(label="分子公式", max_length=500, help_text="如 #{science_museum_area} + #{st_museum_area}")
    denominator = forms.CharField(label="分母公式", max_length=500, required=False, help_text="可留空")
    factor = forms.FloatField(label="系数", initial=1)
    unit = forms.CharField(label="计量单位", max_length=24)
    decimals = forms.IntegerField(label="小数位", min_value=0, max_value=6, initial=1)
    keywords = forms.CharField(label="匹配关键词", max_length=255, required=False, help_text="以顿号分隔")
    definition = forms.CharField(label="定义与口径", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ElementForm(forms.Form):
    code = forms.CharField(label="代码", max_length=40)
    name = forms.CharField(label="名称", max_length=80)
    group = forms.ChoiceField(label="类别", choices=ElementGroup.choices)
    value_type = forms.ChoiceField(label="数值类型", choices=ValueType.choices)
    unit = forms.CharField(label="计量单位", max_length=16, help_text="如 平方米、人、万元、人次、个")
    aggregation = forms.ChoiceField(label="汇总方式", choices=AggregationRule.choices)
    category = forms.ModelChoiceField(label="分类", queryset=Category.objects.all(), required=False)
    data_set = forms.ModelChoiceField(label="加入报表", queryset=DataSet.objects.all(), required=False)
    definition = forms.CharField(label="定义与口径", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label="填好的模板（.xlsx）")
