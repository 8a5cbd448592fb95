"""The controlled vocabularies of the content library: topics (each with the expertise tags of the
experts who may review it) and audiences (each with the words that find its 提升行动 section in a plan).
Offices add their own through the admin."""

from django.db import migrations

# code, name, expertise tag codes (kesu.resources 0002), needs medical review
TOPICS = [
    ("health", "健康", ("health", "public_health", "traditional_medicine", "elderly_care", "mental_health"), True),
    ("medicine", "疾病防治与合理用药", ("health", "public_health", "traditional_medicine"), True),
    ("mental_health", "心理健康", ("mental_health", "health"), True),
    ("emergency", "应急避险", ("emergency", "disaster", "fire_safety", "earthquake"), False),
    ("disaster", "防灾减灾", ("disaster", "earthquake", "meteorology", "geology", "emergency"), False),
    ("food_safety", "食品安全", ("food_safety", "health"), True),
    ("meteorology", "气象", ("meteorology", "disaster"), False),
    ("agriculture", "农业技术", ("agriculture", "forestry", "animal_husbandry"), False),
    ("anti_fraud", "信息素养与防诈骗", ("digital_literacy", "information"), False),
    ("ecology", "生态环境", ("ecology", "energy", "marine"), False),
    ("energy", "节能低碳", ("energy", "ecology"), False),
    ("digital", "数字素养与人工智能", ("digital_literacy", "information", "ai"), False),
    ("frontier", "前沿科技", ("aerospace", "ai", "materials", "manufacturing", "biology", "physics"), False),
    ("fire_safety", "消防安全", ("fire_safety", "emergency"), False),
    ("science_education", "青少年科学教育", ("science_education", "mathematics", "physics", "chemistry"), False),
    ("marine", "海洋科普", ("marine", "ecology"), False),
]

# code, name, words of the plan sections (提升行动) written for the group
AUDIENCES = [
    ("youth", "青少年", "青少年、学生、未成年人、中小学"),
    ("farmers", "农民", "农民、乡村、农村"),
    ("workers", "产业工人", "产业工人、职工、工人"),
    ("elderly", "老年人", "老年人、老年、银龄"),
    ("officials", "领导干部和公务员", "领导干部、公务员"),
    ("residents", "社区居民", "社区、城镇劳动者、居民"),
    ("women_children", "妇女儿童", "妇女、儿童、家庭"),
    ("public", "社会公众", ""),
]


def load(apps, schema_editor):
    topic_model = apps.get_model("content", "Topic")
    audience_model = apps.get_model("content", "Audience")
    tag_model = apps.get_model("resources", "ExpertiseTag")
    for order, (code, name, fields, medical) in enumerate(TOPICS):
        topic, _ = topic_model.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "needs_medical_review": medical}
        )
        topic.fields.set(tag_model.objects.filter(code__in=fields))
    for order, (code, name, keywords) in enumerate(AUDIENCES):
        audience_model.objects.update_or_create(code=code, defaults={"name": name, "order": order, "keywords": keywords})


def unload(apps, schema_editor):
    apps.get_model("content", "Topic").objects.filter(code__in=[row[0] for row in TOPICS]).delete()
    apps.get_model("content", "Audience").objects.filter(code__in=[row[0] for row in AUDIENCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial"), ("resources", "0002_expertise_vocabulary")]
    operations = [migrations.RunPython(load, unload)]
