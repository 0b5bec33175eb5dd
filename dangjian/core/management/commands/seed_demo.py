from django.core.management.base import BaseCommand, CommandError

from dangjian.core.demo import city
from dangjian.organizations.models import Organization


class Command(BaseCommand):
    help = "Load the demo city (deterministic for a seed): small, city (~10,000 members) or large (1,000,000)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "city", "large"], default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if organizations exist already.")

    def handle(self, *args, scale, seed, if_empty, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("The database already holds organizations; the demo city is not loaded again.")
                return
            raise CommandError("The database already holds organizations; use a fresh database.")
        if scale == "large":
            from bench.scale import build_large

            build_large(seed=seed, stdout=self.stdout)
        else:
            city.build(scale=scale, seed=seed)
            from dangjian.core.demo.orglife import build_orglife

            build_orglife(seed=seed)
            from dangjian.recruitment.demo import build_demo as build_recruitment

            build_recruitment(seed=seed)
            from dangjian.members.demo import build_demo as build_members

            build_members(seed=seed)
            from dangjian.care.demo import build_demo as build_care

            build_care(seed=seed)
            from dangjian.dues.demo import build_demo as build_dues

            build_dues(seed=seed)
            from dangjian.transfers.demo import build_demo as build_transfers

            build_transfers(seed=seed)
            from dangjian.grid.demo import build_demo as build_grid

            build_grid(seed=seed)
            from dangjian.centres.demo import build_demo as build_centres
            from dangjian.cobuilding.demo import build_demo as build_cobuilding
            from dangjian.pairings.demo import build_demo as build_pairings
            from dangjian.volunteers.demo import build_demo as build_volunteers
            from dangjian.wishes.demo import build_demo as build_wishes

            for build_services in (build_volunteers, build_wishes, build_pairings, build_centres, build_cobuilding):
                build_services(seed=seed)
            from dangjian.assessment.demo import build_demo as build_cycles
            from dangjian.assessment.demo_followup import build_demo as build_followup
            from dangjian.assessment.demo_surveys import build_demo as build_surveys

            for build_assessment in (build_surveys, build_cycles, build_followup):
                build_assessment(seed=seed)
            from dangjian.coverage.demo import build_demo as build_coverage

            build_coverage(seed=seed)
            from dangjian.reports.demo import build_demo as build_reports

            build_reports()
        from dangjian.members.models import Member

        self.stdout.write(self.style.SUCCESS(
            f"Demo city ({scale}) loaded: {Organization.objects.count()} organizations, "
            f"{Member.objects.count()} members."
        ))
