from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "dangjian.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from .defaults import sync_default_schemes

        # The seeds' schemes ship in rules/assessment-2012.toml; every migrate loads any version
        # not yet in the database (a published version is never changed afterwards).
        post_migrate.connect(sync_default_schemes, sender=self, dispatch_uid="assessment.sync_default_schemes")
