from alembic import context

from chassis.migrations import env_run
from evaluation.adapters.tables import metadata

env_run(context, metadata)
