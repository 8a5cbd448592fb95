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


class IndicatorEditForm(IndicatorForm):
    """Editing keeps the code: it is in the page's address, bookmarks and exported files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True
        self.fields["code"].help_text = "代码创建后不能修改"


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


class ElementEditForm(ElementForm):
    """Editing keeps the code (formulas, validation rules and Excel templates refer to it) and, once the
    element has values, its value type, aggregation rule and category (services.FIXED_ONCE_COLLECTED)."""

    def __init__(self, *args, has_values: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["data_set"]
        self.fields["code"].disabled = True
        self.fields["code"].help_text = "代码创建后不能修改"
        if has_values:
            for name in ("value_type", "aggregation", "category"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "已有填报数值，不能修改；如口径确需改变，请新增数据项并停用本项"
            self.fields["unit"].help_text = "已有数值按原单位填报，修改单位不会换算已有数值"


class UploadForm(forms.Form):
    file = forms.FileField(label="填好的模板（.xlsx）")
