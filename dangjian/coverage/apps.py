from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "dangjian.coverage"
    label = "coverage"
    verbose_name = _("Firms, buildings and community affairs")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .defaults import load_default_procedure

        post_migrate.connect(load_default_procedure, sender=self)
