from alembic import context

from chassis.migrations import env_run
from supervision.adapters.tables import metadata

env_run(context, metadata)
