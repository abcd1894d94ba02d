"""The models and the migrations agree."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_has_no_model_change_without_a_migration():
    # Raises SystemExit(1) when a migration is missing.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_older_duplicate_organisation_names_are_renamed_before_names_become_unique():
    """contracts 0006: the first keeps its name, a later duplicate (any case) gets "(#id)"."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before = [("contracts", "0005_perincidentagreement_channel")]
    after = [("contracts", "0006_deactivate_and_domains")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("contracts", "Organization")
    now = timezone.now()
    first = old.objects.create(name="Kiwi Ltd", policy="capella", hosting="hosted", created=now)
    second = old.objects.create(name="KIWI LTD", policy="capella", hosting="hosted", created=now)
    other = old.objects.create(name="Other", policy="capella", hosting="hosted", created=now)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("contracts", "Organization")
        names = dict(new.objects.values_list("pk", "name"))
        assert names == {
            first.pk: "Kiwi Ltd",
            second.pk: f"KIWI LTD (#{second.pk})",
            other.pk: "Other",
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
