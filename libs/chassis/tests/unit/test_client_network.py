"""The address of an anonymous caller (``chassis.http.client``): kept only as its network, taken
from exactly the configured number of trusted proxy hops."""

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import create_service_app, public
from libs.chassis.tests.unit.test_http import SETTINGS


@pytest.mark.parametrize(
    "address, network",
    [
        ("203.0.113.7", "203.0.113.0/24"),
        ("2001:db8:1:2::5", "2001:db8:1::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("not an address", "unknown"),
        (None, "unknown"),
    ],
)
def test_client_addresses_are_kept_only_as_their_network(address, network):
    from chassis.http.client import coarsen

    assert coarsen(address) == network


def test_the_client_address_trusts_exactly_the_configured_proxy_hops():
    from chassis.http.client import client_network

    blp = Blueprint("who", __name__)

    @blp.route("/who")
    class Who(MethodView):
        @public
        def get(self):
            return {"network": client_network()}

    def network(hops: int, forwarded: str) -> str:
        service = create_service_app(SETTINGS.replace(trusted_proxy_hops=hops), title="t")
        service.api.register_blueprint(blp)
        client = service.app.test_client()
        r = client.get("/who", headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
        return r.get_json()["network"]

    assert network(0, "203.0.113.7") == "10.0.0.0/24"  # no proxy trusted: the header is ignored
    assert network(1, "198.51.100.1, 203.0.113.7") == "203.0.113.0/24"  # a forged first entry is not believed
