"""The request categories every site starts with (editable afterwards)."""
from django.db import migrations

CATEGORIES = [
    # code, name, group, urgency, keywords, description
    ("safety", "安全隐患", "公共安全", "priority", "火灾,燃气,电线,高空坠物", "消防通道堵塞、电线老化、高空坠物等安全隐患"),
    ("water_power_gas", "水电气暖", "市政设施", "priority", "停水,停电,燃气,供暖", "停水停电、燃气故障、暖气不热"),
    ("public_facilities", "公共设施损坏", "市政设施", "general", "路灯,井盖,道路,健身器材", "路灯不亮、井盖缺失、道路破损、健身器材损坏"),
    ("environment", "环境卫生", "市容环境", "general", "垃圾,污水,杂物,绿化", "垃圾清运不及时、污水外溢、楼道堆物"),
    ("property", "物业管理", "物业服务", "general", "电梯,漏水,物业费", "电梯故障、房屋漏水、物业服务问题"),
    ("noise", "噪音扰民", "市容环境", "general", "噪音,装修,广场舞", "装修、经营、广场舞等噪音扰民"),
    ("parking", "停车秩序", "市容环境", "general", "停车,占道,充电", "乱停车、占用消防通道、电动车充电"),
    ("neighbor_dispute", "邻里纠纷", "矛盾调解", "complex", "纠纷,调解", "邻里之间的矛盾纠纷，需要调解"),
    ("elderly_help", "为老助残", "民生服务", "general", "老人,残疾人,助餐,助浴", "独居老人、残疾人需要的上门帮助"),
    ("other", "其他诉求", "其他", "general", "", "以上类别之外的诉求"),
]

SAFETY_ATTRIBUTES = [{
    "code": "hazard_kind", "variable": True, "datatype": "singlevaluelist", "required": True, "order": 1,
    "datatype_description": "", "description": "隐患类型",
    "values": [{"key": "fire_passage", "name": "消防通道堵塞"}, {"key": "wiring", "name": "电线老化"},
               {"key": "falling", "name": "高空坠物"}, {"key": "other", "name": "其他"}],
}]


def load(apps, schema_editor):
    RequestCategory = apps.get_model("grid", "RequestCategory")
    for order, (code, name, group, urgency, keywords, description) in enumerate(CATEGORIES, start=1):
        RequestCategory.objects.get_or_create(code=code, defaults={
            "name": name, "group": group, "default_urgency": urgency, "keywords": keywords,
            "description": description, "order": order,
            "attributes": SAFETY_ATTRIBUTES if code == "safety" else [],
        })


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
