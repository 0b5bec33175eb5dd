"""docs/statistics.md is the definitions the code computes with."""
import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_statistics_doc_is_up_to_date():
    call_command("figures_doc", "--check")
