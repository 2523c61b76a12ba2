"""Print every (event type, field) the contracts carry, in the form of ``chassis/data/catalogue_reviewed.json``.

    python -m chassis.catalogue > libs/chassis/src/chassis/data/catalogue_reviewed.json

Run it only after checking, for each new pair, that the class its field name has in the topic's
declaration is right for the new event (``git diff`` shows which pairs are new).
"""

import json

from chassis.catalogue import current_pairs

NOTE = (
    "Each (event type, field) whose sharing class someone checked: a field takes the class its name has in "
    "its topic's declaration, so a new event reusing a name must be looked at before it is added here."
)

print(json.dumps({"note": NOTE, "reviewed": current_pairs()}, ensure_ascii=False, indent=1))
