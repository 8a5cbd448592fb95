"""The controlled vocabulary of expertise tags for the expert registry (科普专家库).

Fields follow the subjects offices ask experts for in 科普 work and emergency outreach; offices add
their own through the admin."""

from django.db import migrations

TAGS = [
    ("health", "医疗健康"), ("mental_health", "心理健康"), ("public_health", "公共卫生与传染病防控"),
    ("emergency", "应急避险"), ("disaster", "防灾减灾"), ("earthquake", "地震"), ("meteorology", "气象"),
    ("fire_safety", "消防安全"), ("food_safety", "食品安全"), ("agriculture", "农业技术"),
    ("forestry", "林业与园艺"), ("animal_husbandry", "畜牧兽医"), ("ecology", "生态环境"),
    ("energy", "能源与节能"), ("information", "信息技术"), ("ai", "人工智能"), ("aerospace", "航空航天"),
    ("marine", "海洋"), ("geology", "地质与矿产"), ("manufacturing", "先进制造"), ("materials", "新材料"),
    ("biology", "生命科学"), ("chemistry", "化学化工"), ("physics", "物理与天文"), ("mathematics", "数学"),
    ("science_education", "科学教育"), ("digital_literacy", "数字素养"), ("elderly_care", "老年健康"),
    ("traditional_medicine", "中医药"), ("cultural_heritage", "科技史与文化遗产"),
]


def load(apps, schema_editor):
    tag = apps.get_model("resources", "ExpertiseTag")
    for order, (code, name) in enumerate(TAGS):
        tag.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def unload(apps, schema_editor):
    apps.get_model("resources", "ExpertiseTag").objects.filter(code__in=[code for code, _ in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
