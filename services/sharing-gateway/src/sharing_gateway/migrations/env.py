from alembic import context

from chassis.migrations import env_run
from sharing_gateway.adapters import data_request_tables  # noqa: F401  (its tables join the metadata)
from sharing_gateway.adapters.tables import metadata

env_run(context, metadata)
