from alembic import context

from chassis.migrations import env_run
from registry.adapters import liaison_tables  # noqa: F401  (declares its tables on the same metadata)
from registry.adapters.tables import metadata

env_run(context, metadata)
