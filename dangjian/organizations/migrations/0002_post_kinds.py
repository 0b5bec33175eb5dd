"""The post kinds every site starts with; administrators may add more (they are data)."""
from django.db import migrations

POST_KINDS = [
    # code, name, committee seat, order
    ("secretary", "书记", True, 10),
    ("deputy_secretary", "副书记", True, 20),
    ("full_time_deputy", "专职副书记", True, 25),
    ("organization_member", "组织委员", True, 30),
    ("propaganda_member", "宣传委员", True, 40),
    ("discipline_member", "纪检委员", True, 50),
    ("committee_member", "委员", True, 60),
    ("group_leader", "党小组长", False, 70),
    ("delegate", "党代表", False, 80),
    ("first_secretary", "驻村第一书记", False, 90),
    ("dual_role", "书记兼村（居）委会主任（一肩挑）", False, 95),
]


def add(apps, schema_editor):
    PostKind = apps.get_model("organizations", "PostKind")
    for code, name, seat, order in POST_KINDS:
        PostKind.objects.update_or_create(code=code, defaults={"name": name, "is_committee": seat, "order": order})


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
