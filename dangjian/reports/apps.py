from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dangjian.reports"
    label = "reports"
    verbose_name = _("Statistics and reports")

    def ready(self):
        from . import cache, loading

        cache.connect_signals()
        loading.connect(self)  # the shipped report tables, on every migrate
