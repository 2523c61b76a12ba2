"""People: register, read (masked), search, change with If-Match, archive and restore."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from registry.entrypoints.api import schemas as s
from registry.entrypoints.api.common import etag, if_match, registry
from registry.service_layer import people as commands
from registry.service_layer import person_records, queries, search

blp = Blueprint("people", __name__, url_prefix="/people", description="统战对象 / people in the registry")


def _view(person_id: str, reveal=frozenset(), purpose=None) -> dict:
    return queries.person_view(registry().uow, current_principal(), person_id, set(reveal), purpose)


def _changed(person_id: str, version: int):
    return _view(person_id), 200, etag(version)


@blp.route("")
class People(MethodView):
    @blp.arguments(s.SearchArgs, location="query")
    @blp.response(200, s.PersonPage)
    def get(self, args):
        """Search people in your scope, sorted by pinyin

        Filters combine with AND. `q` matches a name prefix or a pinyin prefix (initials
        or full, with or without spaces); `text` matches any part of name, employer,
        position and tags. Page with
        `cursor` (from `next_cursor`); `with_total=true` also counts all matches.
        """
        limit, cursor, with_total = args.pop("limit"), args.pop("cursor", None), args.pop("with_total")
        filters = search.SearchFilters(**args)
        return search.search(registry().uow, current_principal(), filters, limit, cursor, with_total)

    @blp.arguments(s.PersonCreate)
    @blp.response(201, s.PersonOut)
    def post(self, body):
        """Register a person

        The ID number is checked (GB 11643 check character, birth date and gender
        must agree with it) and must not belong to another active record: a
        duplicate is refused with 409 and a pointer to the existing person.
        """
        person_id = commands.register(registry().uow, current_principal(), body)
        view = _view(person_id)
        return view, 201, {**etag(view["version"]), "Location": url_for("people.Person", person_id=person_id)}


@blp.route("/<person_id>")
class Person(MethodView):
    @blp.arguments(s.RevealArgs, location="query")
    @blp.response(200, s.PersonOut)
    def get(self, args, person_id):
        """Read one person (sensitive fields masked)

        `reveal=id_number,ethnicity,religion,birth_date` with a `purpose` shows them to editors;
        every such disclosure is recorded.
        """
        view = _view(person_id, args["reveal"], args.get("purpose"))
        return view, 200, etag(view["version"])

    @blp.arguments(s.PersonPatch)
    @blp.response(200, s.PersonOut)
    def patch(self, body, person_id):
        """Change fields of a person (If-Match required)"""
        version = commands.update(registry().uow, current_principal(), person_id, if_match(), body)
        return _changed(person_id, version)


@blp.route("/<person_id>/move")
class Move(MethodView):
    @blp.arguments(s.MoveIn)
    @blp.response(200, s.PersonOut)
    def post(self, body, person_id):
        """Move a person to another admin unit (If-Match required)"""
        version = commands.move(registry().uow, current_principal(), person_id, if_match(), body["unit_code"])
        return _changed(person_id, version)


@blp.route("/<person_id>/archive")
class Archive(MethodView):
    @blp.arguments(s.ReasonIn)
    @blp.response(200, s.PersonOut)
    def post(self, body, person_id):
        """Archive a person (If-Match required)"""
        version = commands.archive(registry().uow, current_principal(), person_id, if_match(), body["reason"])
        return _changed(person_id, version)


@blp.route("/<person_id>/restore")
class Restore(MethodView):
    @blp.arguments(s.ReasonIn)
    @blp.response(200, s.PersonOut)
    def post(self, body, person_id):
        """Restore an archived person (If-Match required)"""
        version = commands.restore(registry().uow, current_principal(), person_id, if_match(), body["reason"])
        return _changed(person_id, version)


@blp.route("/<person_id>/representative-roles")
class Roles(MethodView):
    @blp.arguments(s.RolesIn)
    @blp.response(200, s.PersonOut)
    def put(self, body, person_id):
        """Replace a person's representative roles (代表人士身份; If-Match required)"""
        version = commands.set_roles(
            registry().uow, current_principal(), person_id, if_match(), body["roles"], body["reason"],
            body["vetting_basis"],
        )  # fmt: skip
        return _changed(person_id, version)


@blp.route("/<person_id>/qualification")
class Qualification(MethodView):
    @blp.response(200, s.QualificationOut)
    def get(self, person_id):
        """Lost qualifications and vetting records (资格撤销与审核记录; editors of the person's unit)"""
        return commands.qualification(registry().uow, current_principal(), person_id)


@blp.route("/<person_id>/categories")
class Categories(MethodView):
    @blp.arguments(s.JoinCategoryIn)
    @blp.response(201, s.PersonOut)
    def post(self, body, person_id):
        """File a person in one of the 10 base databases"""
        version = commands.join_category(
            registry().uow, current_principal(), person_id, body["category"], body["start_date"], body["reason"]
        )
        return _view(person_id), 201, etag(version)


@blp.route("/<person_id>/categories/<category>/end")
class EndCategory(MethodView):
    @blp.arguments(s.LeaveCategoryIn)
    @blp.response(200, s.PersonOut)
    def post(self, body, person_id, category):
        """End a person's membership of a base database"""
        version = commands.leave_category(
            registry().uow, current_principal(), person_id, category, body["end_date"], body["reason"]
        )
        return _changed(person_id, version)


@blp.route("/<person_id>/history")
class History(MethodView):
    @blp.response(200, s.HistoryOut(many=True))
    def get(self, person_id):
        """Change history: who changed which field from what to what (sensitive values masked)"""
        return person_records.person_history(registry().uow, current_principal(), person_id)


@blp.route("/<person_id>/contacts")
class Contacts(MethodView):
    @blp.response(200, s.ContactOut(many=True))
    def get(self, person_id):
        """Contact records (走访/联系记录), newest first"""
        return person_records.contact_records(registry().uow, current_principal(), person_id)

    @blp.arguments(s.ContactIn)
    @blp.response(201, s.ContactOut)
    def post(self, body, person_id):
        """Record a visit, talk or other contact"""
        new_id = commands.add_contact(registry().uow, current_principal(), person_id, body)
        recorded = person_records.contact_records(registry().uow, current_principal(), person_id)
        return next(c for c in recorded if c["id"] == new_id)


@blp.route("/<person_id>/merge")
class Merge(MethodView):
    @blp.arguments(s.MergeIn)
    @blp.response(200, s.PersonOut)
    def post(self, body, person_id):
        """Merge a likely duplicate into this person; both histories are kept"""
        version = commands.merge(registry().uow, current_principal(), person_id, body["duplicate_id"])
        return _changed(person_id, version)
