from alembic import context

from chassis.migrations import env_run
from sharing_gateway.adapters.tables import metadata

env_run(context, metadata)
