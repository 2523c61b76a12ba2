import json

import pytest
import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates
from openapi_spec_validator import validate as validate_openapi

from chassis.contracts import UNIT_CODE
from chassis.errors import Bilingual, Conflict
from chassis.http import create_service_app, current_principal, member_facing, public
from chassis.settings import BaseSettings
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

SETTINGS = BaseSettings(
    service_name="demo",
    kafka_bootstrap_servers="127.0.0.1:1",
    max_content_length=1024,
    **strong_secrets(BaseSettings),
    **trusted(),
)


class ThingIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=10))
    count = fields.Integer(load_default=1)
    unit = fields.String(validate=UNIT_CODE)
    kind = fields.String(validate=validate.OneOf(["a", "b"], error=Bilingual("one of: {choices}", "须为：{choices}")))

    @validates("name")
    def no_x(self, value, **_):
        if value == "x":
            raise ValidationError(Bilingual("x is not a thing", "x 不是有效的事物"))


class ThingOut(Schema):
    name = fields.String()
    owner = fields.String()


blp = Blueprint("things", __name__, url_prefix="/things")


@blp.route("/")
class Things(MethodView):
    @blp.arguments(ThingIn)
    @blp.response(201, ThingOut)
    def post(self, body):
        """Create a thing"""
        principal = current_principal()
        principal.require_role("editor")
        if body["name"] == "dup":
            raise Conflict("已存在同名事物", "A thing with this name exists", existing="/things/1")
        if body["name"] == "taken":  # extension members named like problem()'s own arguments
            raise Conflict("已被占用", "Taken", status="in_force", code="c1", title_en="t", type="x")
        if body["name"] == "boom":
            raise RuntimeError("kaboom")
        return {"name": body["name"], "owner": principal.subject}


@blp.route("/open")
class OpenThing(MethodView):
    @public
    @blp.response(200, ThingOut)
    def get(self):
        """Read without a token"""
        return {"name": "open"}


@blp.route("/scope")
class ScopeOnly(MethodView):
    @blp.response(200, ThingOut)
    def get(self):
        """A staff view that checks no role, only the caller's unit (as many list views do)"""
        return {"name": "scope", "owner": current_principal().unit}


@blp.route("/mine")
class Mine(MethodView):
    @member_facing
    @blp.response(200, ThingOut)
    def get(self):
        """A member's own thing"""
        return {"name": "mine", "owner": current_principal().require_member()}


@pytest.fixture
def client(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    service = create_service_app(SETTINGS, title="Demo", engine=engine)
    service.api.register_blueprint(blp)
    return service.app.test_client()


def bearer(roles=("editor",), unit="370783001000"):
    return {"Authorization": f"Bearer {ISSUER.issue('u1', list(roles), unit)}"}


def test_validation_errors_are_problem_json_in_chinese_and_english(client):
    r = client.post("/things/", json={"count": "many"}, headers=bearer())
    assert r.status_code == 422
    assert r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["type"] == "urn:tongxin:problem:invalid-input"
    assert body["title"] == "请求数据无效" and body["title_en"] == "Unprocessable Entity"
    by_field = {e["field"]: e for e in body["errors"]}
    assert by_field["name"]["message"] == "缺少必填字段"
    assert by_field["name"]["message_en"] == "Missing data for required field."
    assert by_field["count"]["message"] == "不是有效的整数"
    assert "name：缺少必填字段" in body["detail"]
    assert body["request_id"] == r.headers["X-Request-ID"]


def test_custom_validators_carry_both_languages(client):
    body = client.post("/things/", json={"name": "x"}, headers=bearer()).get_json()
    assert body["errors"][0]["message"] == "x 不是有效的事物"
    assert body["errors"][0]["message_en"] == "x is not a thing"


def test_a_validators_bilingual_message_keeps_its_chinese_and_is_said_once(client):
    """A unit code too short fails both its length and its pattern: one message, not the same one twice,
    and each language in its own field (they were one string "中文 / English" in both)."""
    body = client.post("/things/", json={"name": "y", "unit": "3707", "kind": "c"}, headers=bearer()).get_json()
    by_field = {}
    for e in body["errors"]:
        by_field.setdefault(e["field"], []).append(e)
    assert [(e["message"], e["message_en"]) for e in by_field["unit"]] == [
        ("须为12位行政区划代码", "must be a 12-digit admin unit code")
    ]
    assert [(e["message"], e["message_en"]) for e in by_field["kind"]] == [("须为：a, b", "one of: a, b")]
    assert "须为12位行政区划代码" in body["detail"] and "must be" not in body["detail"]
    assert "12-digit" in body["detail_en"] and "须为" not in body["detail_en"]


def test_domain_errors_map_to_their_status(client):
    r = client.post("/things/", json={"name": "dup"}, headers=bearer())
    assert r.status_code == 409
    body = r.get_json()
    assert (body["detail"], body["detail_en"], body["existing"]) == (
        "已存在同名事物",
        "A thing with this name exists",
        "/things/1",
    )


def test_an_extension_member_named_like_a_standard_one_keeps_the_status(client, caplog):
    """``Conflict(..., status=record.status)`` was a 500 (problem() got two values for ``status``);
    it is the 409 it says, and the body's standard members are the problem's own."""
    r = client.post("/things/", json={"name": "taken"}, headers=bearer())
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    body = r.get_json()
    assert (body["status"], body["type"], body["title_en"], body["detail"], body["detail_en"]) == (
        409,
        "urn:tongxin:problem:conflict",
        "Conflicts with existing data",
        "已被占用",
        "Taken",
    )
    assert body["code"] == "c1"  # not a standard member: kept as an extension
    assert "clash with standard members" in caplog.text and "'status'" in caplog.text


def test_unexpected_errors_are_500_problems_without_internals(client):
    r = client.post("/things/", json={"name": "boom"}, headers=bearer())
    assert r.status_code == 500
    assert r.mimetype == "application/problem+json"
    assert "kaboom" not in r.get_data(as_text=True)


def test_deny_by_default(client):
    r = client.post("/things/", json={"name": "a"})
    assert r.status_code == 401 and r.get_json()["type"] == "urn:tongxin:problem:unauthorized"
    assert client.post("/things/", json={"name": "a"}, headers={"Authorization": "Bearer junk"}).status_code == 401
    assert client.get("/things/open").status_code == 200


def test_roles_are_checked(client):
    r = client.post("/things/", json={"name": "a"}, headers=bearer(roles=("viewer",)))
    assert r.status_code == 403
    assert r.get_json()["detail"].startswith("需要以下角色之一")


def test_created_with_principal(client):
    r = client.post("/things/", json={"name": "好"}, headers=bearer())
    assert r.status_code == 201 and r.get_json() == {"name": "好", "owner": "u1"}


@pytest.mark.parametrize(
    "call, status",
    [
        (lambda c: c.get("/nowhere", headers=bearer()), 404),
        (lambda c: c.delete("/things/", headers=bearer()), 405),
        (lambda c: c.post("/things/", data="{bad json", content_type="application/json", headers=bearer()), 400),
        (
            lambda c: c.post(
                "/things/", data=json.dumps({"name": "a" * 2000}), content_type="application/json", headers=bearer()
            ),
            413,
        ),
    ],
)
def test_framework_errors_are_problems_too(client, call, status):
    r = call(client)
    assert r.status_code == status
    assert r.mimetype == "application/problem+json"
    assert r.get_json()["status"] == status and r.get_json()["title"]


def test_request_id_and_traceparent_propagate(client):
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    r = client.get("/things/open", headers={"X-Request-ID": "abc", "traceparent": f"00-{trace}-00f067aa0ba902b7-01"})
    assert r.headers["X-Request-ID"] == "abc"
    assert r.headers["traceparent"].split("-")[1] == trace


def test_probes_and_metrics(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": "ok", "kafka": "unreachable"}
    assert ready.get_json()["degraded"] is True
    client.get("/things/open")
    text = client.get("/metrics", headers={"Authorization": f"Bearer {SETTINGS.metrics_token}"}).get_data(as_text=True)
    assert (
        'tongxin_http_request_seconds_count{endpoint="/things/open",method="GET",service="demo",status="200"}' in text
    )


def test_readiness_fails_when_the_database_is_gone(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    app = create_service_app(SETTINGS, title="Demo", engine=engine).app
    r = app.test_client().get("/readyz")
    assert r.status_code == 503 and r.get_json()["checks"]["database"].startswith("error")


def test_openapi_document_is_valid_and_documents_problems(client):
    spec = client.get("/openapi.json").get_json()
    validate_openapi(spec)
    post = spec["paths"]["/things/"]["post"]
    assert post["summary"] == "Create a thing"
    assert "422" in post["responses"]
    assert client.get("/docs").status_code == 200


def test_a_body_nested_too_deeply_is_a_400_not_a_crash():
    from flask.views import MethodView
    from flask_smorest import Blueprint
    from marshmallow import Schema, fields

    from chassis.http import create_service_app, public
    from chassis.settings import BaseSettings

    blp = Blueprint("deep", __name__)

    class Body(Schema):
        name = fields.String()

    @blp.route("/things")
    class Things(MethodView):
        @public
        @blp.arguments(Body)
        def post(self, body):
            return {"ok": True}

    service = create_service_app(BaseSettings(**strong_secrets(BaseSettings), **trusted()), title="t")
    service.api.register_blueprint(blp)
    r = service.app.test_client().post("/things", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["detail_en"] == "The request body is nested too deeply"


@pytest.mark.parametrize("development_mode", [False, True])
def test_an_api_that_is_not_told_the_identity_providers_keys_does_not_start(development_mode):
    """No shared secret and no guessed JWKS address: without OIDC_JWKS_URL (or OIDC_JWKS) there is
    nothing to tell a genuine staff token by, so the app is not built at all."""
    from chassis.oidc import NoSigningKeys

    settings = BaseSettings(**strong_secrets(BaseSettings), development_mode=development_mode)
    with pytest.raises(NoSigningKeys, match="OIDC_JWKS_URL is not set") as refused:
        create_service_app(settings, title="t")
    assert f"{settings.oidc_issuer}/protocol/openid-connect/certs" in str(refused.value)


def test_a_token_holding_no_staff_role_reaches_only_member_facing_views(client):
    """Deny by default: an account whose staff roles were all withdrawn (only the identity provider's
    own roles left) and a member's token are refused every staff view, even one that checks no role;
    a member reaches a member-facing view as the person of its claim, and no one else does."""
    roleless = bearer(roles=("default-roles-tongxin", "offline_access"))
    member = {"Authorization": f"Bearer {ISSUER.issue('kc-m', ['member'], '370783001001', person_id='p-1')}"}
    for headers, detail in ((roleless, "no staff role"), (member, "member's token")):
        r = client.get("/things/scope", headers=headers)
        assert r.status_code == 403 and r.mimetype == "application/problem+json", r.status_code
        assert detail in r.get_json()["detail_en"] and r.get_json()["detail"]
    assert client.get("/things/scope", headers=bearer(roles=("viewer",))).status_code == 200
    assert client.get("/things/mine", headers=member).get_json()["owner"] == "p-1"
    assert client.get("/things/mine", headers=roleless).status_code == 403
    staff_member = ISSUER.issue("kc-c", ["editor", "member"], "370783001001", person_id="p-2")
    assert client.get("/things/mine", headers={"Authorization": f"Bearer {staff_member}"}).status_code == 403
