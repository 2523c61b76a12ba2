"""The HTTP chassis: a Flask + flask-smorest app with Tongxin's cross-cutting behaviour."""

from chassis.http.app import ServiceApp, create_service_app, current_principal, member_facing, public, token_optional

__all__ = ["ServiceApp", "create_service_app", "current_principal", "member_facing", "public", "token_optional"]
