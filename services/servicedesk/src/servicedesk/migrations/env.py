from alembic import context

import servicedesk.adapters.community_tables
import servicedesk.adapters.education_tables  # noqa: F401  its tables join the service desk's metadata
from chassis.migrations import env_run
from servicedesk.adapters import stability_tables  # noqa: F401 (its tables join the one metadata)
from servicedesk.adapters.tables import metadata

env_run(context, metadata)
