from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .rules import sync_rule_packs

        # Rule packs are reviewed files in rules/; every migrate loads them into the database.
        post_migrate.connect(sync_rule_packs, sender=self, dispatch_uid="core.sync_rule_packs")
        # Every app's background tasks declare their label and retries on import: import them all,
        # so that the worker's retry handler and the task-status page know every task.
        from django.utils.module_loading import autodiscover_modules

        from . import exports  # noqa: F401 - declares run_export

        autodiscover_modules("tasks")
